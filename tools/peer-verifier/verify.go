package main

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"os"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// emptyRoot is the RFC 6962 hash of the empty tree.
var emptyRoot = tlog.Hash(sha256.Sum256(nil))

func verify(o options) (summary, error) {
	logKey, err := newVerifier(o.vkey)
	if err != nil {
		return summary{}, err
	}
	var witnesses []note.Verifier
	for _, w := range o.witnessVkeys {
		v, err := newVerifier(w)
		if err != nil {
			return summary{}, err
		}
		witnesses = append(witnesses, v)
	}
	if o.evidence != "" {
		return verifyEvidence(o.evidence, logKey, witnesses)
	}
	var src source
	where := o.checkpoint
	var signed []byte
	if o.checkpoint != "" {
		signed, err = os.ReadFile(o.checkpoint)
	} else {
		src = newSource(o.base)
		where = src.describe("checkpoint")
		signed, err = src.read("checkpoint")
	}
	if err != nil {
		return summary{}, fmt.Errorf("reading checkpoint: %v", err)
	}
	cp, cosigned, err := openCheckpoint(signed, logKey, witnesses)
	if err != nil {
		return summary{}, fmt.Errorf("checkpoint %s: %v", where, err)
	}
	s := summary{OK: true, Origin: cp.origin, Size: cp.size, Root: b64(cp.root), CosignaturesVerified: cosigned}
	if o.base == "" {
		return s, nil // signatures only: there is no log to check the tree against
	}
	if src == nil {
		src = newSource(o.base)
	}

	tr := newTileReader(src)
	hr := tlog.TileHashReader(tlog.Tree{N: cp.size, Hash: cp.root}, tr)
	if err := checkTreeHash(cp, tr, hr); err != nil {
		return summary{}, err
	}
	wanted := map[int64]tlog.Hash{}
	for _, n := range o.inclusion {
		if n >= cp.size {
			return summary{}, fmt.Errorf("inclusion index %d is not in the tree of size %d", n, cp.size)
		}
		wanted[n] = tlog.Hash{}
	}
	if s.EntriesChecked, err = checkAllTiles(src, cp, tr, hr, wanted); err != nil {
		return summary{}, err
	}
	for _, n := range o.inclusion {
		p, err := tlog.ProveRecord(cp.size, n, hr)
		if err != nil {
			return summary{}, fmt.Errorf("inclusion proof for entry %d: %v", n, err)
		}
		if err := tlog.CheckRecord(p, cp.size, cp.root, n, wanted[n]); err != nil {
			return summary{}, fmt.Errorf("inclusion proof for entry %d (leaf %s) against root %s: %v",
				n, b64(wanted[n]), b64(cp.root), err)
		}
		s.InclusionChecked++
	}
	if o.oldCheckpoint != "" {
		if err := checkConsistency(o.oldCheckpoint, logKey, cp, hr); err != nil {
			return summary{}, err
		}
		s.ConsistencyChecked = true
	}
	return s, nil
}

func checkTreeHash(cp checkpoint, tr *tileReader, hr tlog.HashReader) error {
	if cp.size == 0 {
		if cp.root != emptyRoot {
			return fmt.Errorf("empty tree: checkpoint root %s, want %s", b64(cp.root), b64(emptyRoot))
		}
		return nil
	}
	th, err := tlog.TreeHash(cp.size, hr)
	if err == nil && th == cp.root {
		return nil
	}
	if raw, rerr := tlog.TreeHash(cp.size, rawHashes(cp.size, tr)); rerr == nil {
		return fmt.Errorf("tree hash from the hash tiles is %s, checkpoint root is %s (tlog: %v)", b64(raw), b64(cp.root), err)
	}
	return fmt.Errorf("tree hash of size %d: %v", cp.size, err)
}

// checkAllTiles authenticates every hash tile of the tree against the checkpoint root through
// tlog.TileHashReader, and checks that entry i of the bundles has the leaf hash the tiles record
// at index i. It fills wanted with the leaf hashes of the indexes it holds.
func checkAllTiles(src source, cp checkpoint, tr *tileReader, hr tlog.HashReader, wanted map[int64]tlog.Hash) (int64, error) {
	var entries int64
	for level := 0; cp.size>>(tileHeight*level) > 0; level++ {
		width := cp.size >> (tileHeight * level) // hashes stored at this tile level
		for n := int64(0); n<<tileHeight < width; n++ {
			w := int(min64(1<<tileHeight, width-n<<tileHeight))
			t := tlog.Tile{H: tileHeight, L: level, N: n, W: w}
			indexes := make([]int64, w)
			for i := range indexes {
				indexes[i] = tlog.StoredHashIndex(level*tileHeight, n<<tileHeight+int64(i))
			}
			hashes, err := hr.ReadHashes(indexes)
			if err != nil {
				return entries, fmt.Errorf("hash tile %s does not authenticate against checkpoint root %s: %v",
					src.describe(c2spPath(t)), b64(cp.root), err)
			}
			if err := checkAgainstParent(src, t, cp.size, tr, hr); err != nil {
				return entries, err
			}
			if level > 0 {
				continue
			}
			bundle, err := readBundle(src, n, w)
			if err != nil {
				return entries, err
			}
			for i, e := range bundle {
				index := n<<tileHeight + int64(i)
				leaf := tlog.RecordHash(e)
				if leaf != hashes[i] {
					return entries, fmt.Errorf("entry %d (entry %d of bundle %s): leaf hash %s, hash tile %s records %s",
						index, i, src.describe(c2spPath(tlog.Tile{H: tileHeight, L: -1, N: n, W: w})),
						b64(leaf), src.describe(c2spPath(t)), b64(hashes[i]))
				}
				if _, ok := wanted[index]; ok {
					wanted[index] = leaf
				}
				entries++
			}
			tr.forgetFullLevel0()
		}
	}
	return entries, nil
}

func checkConsistency(file string, logKey note.Verifier, cp checkpoint, hr tlog.HashReader) error {
	signed, err := os.ReadFile(file)
	if err != nil {
		return fmt.Errorf("old checkpoint: %v", err)
	}
	old, _, err := openCheckpoint(signed, logKey, nil)
	if err != nil {
		return fmt.Errorf("old checkpoint %s: %v", file, err)
	}
	if old.origin != cp.origin {
		return fmt.Errorf("old checkpoint %s has origin %q, log has %q", file, old.origin, cp.origin)
	}
	if old.size > cp.size {
		return fmt.Errorf("old checkpoint %s has size %d, larger than the log's %d", file, old.size, cp.size)
	}
	if old.size == 0 {
		if old.root != emptyRoot {
			return fmt.Errorf("old checkpoint %s: empty tree with root %s, want %s", file, b64(old.root), b64(emptyRoot))
		}
		return nil
	}
	p, err := tlog.ProveTree(cp.size, old.size, hr)
	if err != nil {
		return fmt.Errorf("consistency proof %d -> %d: %v", old.size, cp.size, err)
	}
	if err := tlog.CheckTree(p, cp.size, cp.root, old.size, old.root); err != nil {
		return fmt.Errorf("old checkpoint %s (size %d, root %s) is not consistent with size %d, root %s: %v",
			file, old.size, b64(old.root), cp.size, b64(cp.root), err)
	}
	return nil
}

// rawHashes reads stored hashes from tiles WITHOUT authenticating them; only for error evidence.
func rawHashes(size int64, tr *tileReader) tlog.HashReader {
	return tlog.HashReaderFunc(func(indexes []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(indexes))
		for i, x := range indexes {
			t := widthInTree(tlog.TileForIndex(tileHeight, x), size)
			data, err := tr.ReadTiles([]tlog.Tile{t})
			if err != nil {
				return nil, err
			}
			if out[i], err = tlog.HashFromTile(t, data[0], x); err != nil {
				return nil, err
			}
		}
		return out, nil
	})
}

// checkAgainstParent checks that a full tile hashes to the value its parent tile records.
// tlog.TileHashReader (x/mod 0.7.0) skips this check for some tiles when the tree-hash tiles are
// fewer than the tree-hash subtrees, so the scan does it for every tile. Together with the root
// check of the right-edge partial tiles this authenticates every tile, level by level.
func checkAgainstParent(src source, t tlog.Tile, size int64, tr *tileReader, hr tlog.HashReader) error {
	if t.W != 1<<tileHeight || size>>(tileHeight*(t.L+1)) <= t.N {
		return nil // partial tiles and the top tile are checked against the root itself
	}
	parent := widthInTree(tlog.Tile{H: tileHeight, L: t.L + 1, N: t.N >> tileHeight}, size)
	recorded, err := hr.ReadHashes([]int64{tlog.StoredHashIndex((t.L+1)*tileHeight, t.N)})
	if err != nil {
		return fmt.Errorf("hash tile %s: %v", src.describe(c2spPath(parent)), err)
	}
	data, err := tr.ReadTiles([]tlog.Tile{t})
	if err != nil {
		return err
	}
	if got := tileRoot(data[0]); got != recorded[0] {
		return fmt.Errorf("hash tile %s hashes to %s, but its parent tile %s records %s",
			src.describe(c2spPath(t)), b64(got), src.describe(c2spPath(parent)), b64(recorded[0]))
	}
	return nil
}

// tileRoot is the Merkle root of a full tile's 256 hashes, a perfect subtree.
func tileRoot(data []byte) tlog.Hash {
	level := make([]tlog.Hash, len(data)/tlog.HashSize)
	for i := range level {
		copy(level[i][:], data[i*tlog.HashSize:])
	}
	for len(level) > 1 {
		next := level[:0]
		for i := 0; i < len(level); i += 2 {
			next = append(next, tlog.NodeHash(level[i], level[i+1]))
		}
		level = next
	}
	return level[0]
}

// widthInTree sets t's width to what a tree of the given size holds in that tile.
func widthInTree(t tlog.Tile, size int64) tlog.Tile {
	t.W = int(min64(1<<tileHeight, size>>(tileHeight*t.L)-t.N<<tileHeight))
	return t
}

func min64(a, b int64) int64 {
	if a < b {
		return a
	}
	return b
}

func b64(h tlog.Hash) string { return base64.StdEncoding.EncodeToString(h[:]) }
