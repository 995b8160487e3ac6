package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// manifest is the part of a Kalaja evidence pack's MANIFEST.json this verifier reads.
type manifest struct {
	Format  string            `json:"format"`
	Origin  string            `json:"origin"`
	Files   map[string]string `json:"files"`
	Entries []struct {
		Index int64  `json:"index"`
		Why   string `json:"why"`
	} `json:"entries"`
}

// tlogProof is a parsed c2sp.org/tlog-proof@v1 file.
type tlogProof struct {
	index  int64
	hashes tlog.RecordProof
	signed []byte // the checkpoint note, verbatim
}

// parseTlogProof reads the header, an optional extra line, the index, the proof hashes up to an
// empty line, and the signed checkpoint after it. It is written from the C2SP text, not Kalaja's code.
func parseTlogProof(data []byte) (tlogProof, error) {
	var p tlogProof
	lines := strings.SplitAfter(string(data), "\n")
	next := 0
	line := func() (string, error) {
		if next >= len(lines) || !strings.HasSuffix(lines[next], "\n") {
			return "", fmt.Errorf("ends before line %d is complete", next+1)
		}
		next++
		return strings.TrimSuffix(lines[next-1], "\n"), nil
	}
	l, err := line()
	if err != nil || l != "c2sp.org/tlog-proof@v1" {
		return p, fmt.Errorf("line 1 is not c2sp.org/tlog-proof@v1")
	}
	if l, err = line(); err != nil {
		return p, err
	}
	if strings.HasPrefix(l, "extra ") {
		if l, err = line(); err != nil {
			return p, err
		}
	}
	if !strings.HasPrefix(l, "index ") {
		return p, fmt.Errorf("line %d is not \"index <n>\": %q", next, l)
	}
	text := strings.TrimPrefix(l, "index ")
	if p.index, err = strconv.ParseInt(text, 10, 64); err != nil || p.index < 0 || strconv.FormatInt(p.index, 10) != text {
		return p, fmt.Errorf("index %q is not a canonical decimal", text)
	}
	for {
		if l, err = line(); err != nil {
			return p, err
		}
		if l == "" {
			break
		}
		raw, err := base64.StdEncoding.DecodeString(l)
		if err != nil || len(raw) != tlog.HashSize {
			return p, fmt.Errorf("line %d is not base64 of a %d-byte hash", next, tlog.HashSize)
		}
		var h tlog.Hash
		copy(h[:], raw)
		p.hashes = append(p.hashes, h)
	}
	p.signed = []byte(strings.Join(lines[next:], ""))
	return p, nil
}

// verifyEvidence checks a pack offline: the manifest's hashes, the pack's checkpoint signatures, and
// for every listed entry that its proof is against that very checkpoint and leads from the entry's
// leaf hash to the checkpoint's root (tlog.CheckRecord).
func verifyEvidence(dir string, logKey note.Verifier, witnesses []note.Verifier) (summary, error) {
	raw, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	if err != nil {
		return summary{}, fmt.Errorf("MANIFEST.json: %v", err)
	}
	var m manifest
	if err := json.Unmarshal(raw, &m); err != nil {
		return summary{}, fmt.Errorf("MANIFEST.json: %v", err)
	}
	if err := checkManifestFiles(dir, m); err != nil {
		return summary{}, err
	}
	signed, err := os.ReadFile(filepath.Join(dir, "checkpoint"))
	if err != nil {
		return summary{}, fmt.Errorf("checkpoint: %v", err)
	}
	cp, cosigned, err := openCheckpoint(signed, logKey, witnesses)
	if err != nil {
		return summary{}, fmt.Errorf("checkpoint of the pack: %v", err)
	}
	if m.Origin != "" && cp.origin != m.Origin {
		return summary{}, fmt.Errorf("checkpoint origin %q is not the manifest's %q", cp.origin, m.Origin)
	}
	s := summary{OK: true, Origin: cp.origin, Size: cp.size, Root: b64(cp.root), CosignaturesVerified: cosigned}
	for _, e := range m.Entries {
		name := fmt.Sprintf("entry %d (entries/%d.entry)", e.Index, e.Index)
		entry, err := os.ReadFile(filepath.Join(dir, "entries", fmt.Sprintf("%d.entry", e.Index)))
		if err != nil {
			return summary{}, fmt.Errorf("%s: %v", name, err)
		}
		data, err := os.ReadFile(filepath.Join(dir, "proofs", fmt.Sprintf("%d.tlog-proof", e.Index)))
		if err != nil {
			return summary{}, fmt.Errorf("%s: %v", name, err)
		}
		p, err := parseTlogProof(data)
		if err != nil {
			return summary{}, fmt.Errorf("%s: proofs/%d.tlog-proof: %v", name, e.Index, err)
		}
		if p.index != e.Index {
			return summary{}, fmt.Errorf("%s: its proof is for index %d", name, p.index)
		}
		if !bytes.Equal(p.signed, signed) {
			return summary{}, fmt.Errorf("%s: its proof is not against the pack's checkpoint", name)
		}
		if _, _, err := openCheckpoint(p.signed, logKey, witnesses); err != nil {
			return summary{}, fmt.Errorf("%s: checkpoint in its proof: %v", name, err)
		}
		if p.index >= cp.size {
			return summary{}, fmt.Errorf("%s: not in the checkpoint's tree of size %d", name, cp.size)
		}
		leaf := tlog.RecordHash(entry)
		if err := tlog.CheckRecord(p.hashes, cp.size, cp.root, p.index, leaf); err != nil {
			return summary{}, fmt.Errorf("%s: leaf %s is not proven against root %s of size %d: %v",
				name, b64(leaf), b64(cp.root), cp.size, err)
		}
		s.InclusionChecked++
		s.EntriesChecked++
	}
	return s, nil
}

// checkManifestFiles compares every listed file's SHA-256 and refuses files the manifest does not list.
func checkManifestFiles(dir string, m manifest) error {
	var present []string
	err := filepath.Walk(dir, func(path string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() {
			return err
		}
		rel, err := filepath.Rel(dir, path)
		if err == nil && rel != "MANIFEST.json" {
			present = append(present, filepath.ToSlash(rel))
		}
		return err
	})
	if err != nil {
		return err
	}
	sort.Strings(present)
	for _, rel := range present {
		want, ok := m.Files[rel]
		if !ok {
			return fmt.Errorf("%s: not listed in MANIFEST.json", rel)
		}
		data, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(rel)))
		if err != nil {
			return err
		}
		if got := sha256.Sum256(data); hex.EncodeToString(got[:]) != want {
			return fmt.Errorf("%s: SHA-256 %x, MANIFEST.json says %s", rel, got, want)
		}
	}
	if len(present) != len(m.Files) {
		return fmt.Errorf("MANIFEST.json lists %d files, the pack holds %d", len(m.Files), len(present))
	}
	return nil
}
