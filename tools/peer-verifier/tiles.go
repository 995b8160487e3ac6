package main

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/mod/sumdb/tlog"
)

// tileHeight is fixed by C2SP tlog-tiles; sumdb tiles of height 8 are byte-identical.
const tileHeight = 8

// c2spPath maps a sumdb tile (tile/8/L/N[.p/W], tile/8/data/N[.p/W]) to its C2SP path
// (tile/L/N[.p/W], tile/entries/N[.p/W]). Both encode N as 3-digit groups, all but the last prefixed "x".
func c2spPath(t tlog.Tile) string {
	p := strings.TrimPrefix(t.Path(), fmt.Sprintf("tile/%d/", tileHeight))
	if strings.HasPrefix(p, "data/") {
		p = "entries/" + strings.TrimPrefix(p, "data/")
	}
	return "tile/" + p
}

// fullTile is t widened to a complete tile, whose first t.W hashes or entries equal t's.
func fullTile(t tlog.Tile) tlog.Tile {
	t.W = 1 << tileHeight
	return t
}

// tileReader serves hash tiles to tlog.TileHashReader from a C2SP log. It keeps the tiles of
// levels above 0 (a few MB even for 50M entries) and drops full level-0 tiles when asked, so a
// full scan reads each tile about once without holding the whole log in memory.
type tileReader struct {
	src   source
	cache map[tlog.Tile][]byte
}

func newTileReader(src source) *tileReader {
	return &tileReader{src: src, cache: map[tlog.Tile][]byte{}}
}

func (r *tileReader) Height() int { return tileHeight }

func (r *tileReader) ReadTiles(tiles []tlog.Tile) ([][]byte, error) {
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		if b, ok := r.cache[t]; ok {
			out[i] = b
			continue
		}
		b, full, err := readTile(r.src, t)
		if err != nil {
			return nil, err
		}
		if full && len(b) >= t.W*tlog.HashSize {
			b = b[:t.W*tlog.HashSize]
		}
		if len(b) != t.W*tlog.HashSize {
			return nil, fmt.Errorf("hash tile %s: %d bytes, want %d (%d hashes)",
				r.src.describe(c2spPath(t)), len(b), t.W*tlog.HashSize, t.W)
		}
		r.cache[t] = b
		out[i] = b
	}
	return out, nil
}

// SaveTiles does nothing: tiles are cached (unauthenticated) in ReadTiles and every use
// re-authenticates them through tlog.TileHashReader.
func (r *tileReader) SaveTiles([]tlog.Tile, [][]byte) {}

// forgetFullLevel0 drops full level-0 tiles, which a scan reads once; the partial one on the
// right edge is part of every tree-hash computation and stays.
func (r *tileReader) forgetFullLevel0() {
	for t := range r.cache {
		if t.L == 0 && t.W == 1<<tileHeight {
			delete(r.cache, t)
		}
	}
}

// readTile reads t or, when t is partial and the log no longer serves it, the full tile that
// replaced it (C2SP tlog-tiles lets a log delete partial tiles); full reports the fallback.
func readTile(src source, t tlog.Tile) (b []byte, full bool, err error) {
	b, err = src.read(c2spPath(t))
	if err == nil || t.W == 1<<tileHeight || !errors.Is(err, errNotFound) {
		return b, false, err
	}
	b, ferr := src.read(c2spPath(fullTile(t)))
	if ferr != nil {
		return nil, false, fmt.Errorf("%v; full tile: %v", err, ferr)
	}
	return b, true, nil
}

// readBundle reads entry bundle n, which holds w entries in a tree of the verified size.
// A C2SP entry bundle is a sequence of entries, each a big-endian uint16 length then that many bytes.
func readBundle(src source, n int64, w int) ([][]byte, error) {
	t := tlog.Tile{H: tileHeight, L: -1, N: n, W: w}
	b, full, err := readTile(src, t)
	if err != nil {
		return nil, err
	}
	path := src.describe(c2spPath(t))
	limit := w
	if full {
		path, limit = src.describe(c2spPath(fullTile(t))), 1<<tileHeight
	}
	entries, err := splitBundle(b, limit)
	if err != nil {
		return nil, fmt.Errorf("entry bundle %s: %v", path, err)
	}
	if len(entries) < w || (!full && len(entries) != w) {
		return nil, fmt.Errorf("entry bundle %s: %d entries, want %d", path, len(entries), w)
	}
	return entries[:w], nil
}

func splitBundle(b []byte, max int) ([][]byte, error) {
	var entries [][]byte
	for off := 0; off < len(b); {
		if len(entries) == max {
			return nil, fmt.Errorf("%d trailing bytes after %d entries", len(b)-off, max)
		}
		if len(b)-off < 2 {
			return nil, fmt.Errorf("truncated length prefix at byte %d", off)
		}
		size := int(binary.BigEndian.Uint16(b[off:]))
		off += 2
		if len(b)-off < size {
			return nil, fmt.Errorf("entry %d declares %d bytes at byte %d, only %d remain",
				len(entries), size, off, len(b)-off)
		}
		entries = append(entries, b[off:off+size])
		off += size
	}
	return entries, nil
}
