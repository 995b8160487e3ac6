package main

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// errNotFound marks a path the log does not serve, so a reader may fall back from a
// partial tile to the full tile that replaced it (C2SP tlog-tiles lets logs delete partials).
var errNotFound = errors.New("not found")

// source reads files of a C2SP tlog-tiles layout by their path relative to the log's base.
type source interface {
	read(path string) ([]byte, error)
	describe(path string) string
}

func newSource(base string) source {
	if strings.HasPrefix(base, "http://") || strings.HasPrefix(base, "https://") {
		if !strings.HasSuffix(base, "/") {
			base += "/"
		}
		return &httpSource{base: base, client: &http.Client{Timeout: 60 * time.Second}}
	}
	return dirSource(base)
}

type dirSource string

func (d dirSource) read(path string) ([]byte, error) {
	b, err := os.ReadFile(filepath.Join(string(d), filepath.FromSlash(path)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s: %w", d.describe(path), errNotFound)
	}
	return b, err
}

func (d dirSource) describe(path string) string {
	return filepath.Join(string(d), filepath.FromSlash(path))
}

type httpSource struct {
	base   string
	client *http.Client
}

func (h *httpSource) read(path string) ([]byte, error) {
	url := h.describe(path)
	resp, err := h.client.Get(url)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	if resp.StatusCode == http.StatusNotFound {
		return nil, fmt.Errorf("GET %s: HTTP 404: %w", url, errNotFound)
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d", url, resp.StatusCode)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, fmt.Errorf("GET %s: %v", url, err)
	}
	return b, nil
}

func (h *httpSource) describe(path string) string { return h.base + path }
