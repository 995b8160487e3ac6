package main

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

const origin = "example.org/kalaja/peer-test"

// testLog writes a C2SP tlog-tiles log of the given entries, built with tlog's own hashing.
type testLog struct {
	dir     string
	entries [][]byte
	stored  []tlog.Hash
	signer  note.Signer
	vkey    string
}

func newTestLog(t *testing.T, prefix string, n int) *testLog {
	skey, vkey, err := note.GenerateKey(rand.Reader, origin)
	check(t, err)
	signer, err := note.NewSigner(skey)
	check(t, err)
	l := &testLog{dir: t.TempDir(), signer: signer, vkey: vkey}
	for i := 0; i < n; i++ {
		e := []byte(fmt.Sprintf("%s entry %d", prefix, i))
		h, err := tlog.StoredHashes(int64(i), e, l.reader())
		check(t, err)
		l.entries = append(l.entries, e)
		l.stored = append(l.stored, h...)
	}
	return l
}

func (l *testLog) reader() tlog.HashReader {
	return tlog.HashReaderFunc(func(ix []int64) ([]tlog.Hash, error) {
		out := make([]tlog.Hash, len(ix))
		for i, x := range ix {
			out[i] = l.stored[x]
		}
		return out, nil
	})
}

// writeTiles writes every hash tile and entry bundle of the tree of the given size.
func (l *testLog) writeTiles(t *testing.T, size int64) {
	for level := 0; size>>(tileHeight*level) > 0; level++ {
		width := size >> (tileHeight * level)
		for n := int64(0); n<<tileHeight < width; n++ {
			tile := widthInTree(tlog.Tile{H: tileHeight, L: level, N: n}, size)
			data, err := tlog.ReadTileData(tile, l.reader())
			check(t, err)
			l.write(t, c2spPath(tile), data)
			if level == 0 {
				var bundle []byte
				for _, e := range l.entries[n<<tileHeight : n<<tileHeight+int64(tile.W)] {
					bundle = binary.BigEndian.AppendUint16(bundle, uint16(len(e)))
					bundle = append(bundle, e...)
				}
				l.write(t, c2spPath(tlog.Tile{H: tileHeight, L: -1, N: n, W: tile.W}), bundle)
			}
		}
	}
}

func (l *testLog) write(t *testing.T, path string, data []byte) {
	p := filepath.Join(l.dir, filepath.FromSlash(path))
	check(t, os.MkdirAll(filepath.Dir(p), 0o755))
	check(t, os.WriteFile(p, data, 0o644))
}

// checkpoint returns the signed checkpoint of the tree of the given size, cosigned by each witness.
func (l *testLog) checkpoint(t *testing.T, size int64, witnesses ...*witness) []byte {
	root := emptyRoot
	if size > 0 {
		var err error
		root, err = tlog.TreeHash(size, l.reader())
		check(t, err)
	}
	text := fmt.Sprintf("%s\n%d\n%s\n", origin, size, b64(root))
	signed, err := note.Sign(&note.Note{Text: text}, l.signer)
	check(t, err)
	for _, w := range witnesses {
		signed = append(signed, w.cosign(text)...)
	}
	return signed
}

type witness struct {
	name string
	priv ed25519.PrivateKey
	vkey string
}

func newWitness(t *testing.T, name string) *witness {
	pub, priv, err := ed25519.GenerateKey(rand.Reader)
	check(t, err)
	typed := append([]byte{algCosignature}, pub...)
	vkey := fmt.Sprintf("%s+%08x+%s", name, keyHash(name, typed), base64.StdEncoding.EncodeToString(typed))
	return &witness{name: name, priv: priv, vkey: vkey}
}

func (w *witness) cosign(body string) []byte {
	const ts = 1700000000
	sig := ed25519.Sign(w.priv, []byte(fmt.Sprintf("cosignature/v1\ntime %d\n%s", ts, body)))
	typed := append([]byte{algCosignature}, w.priv.Public().(ed25519.PublicKey)...)
	blob := binary.BigEndian.AppendUint32(nil, keyHash(w.name, typed))
	blob = binary.BigEndian.AppendUint64(blob, ts)
	blob = append(blob, sig...)
	return []byte(fmt.Sprintf("— %s %s\n", w.name, base64.StdEncoding.EncodeToString(blob)))
}

func check(t *testing.T, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}

func expectError(t *testing.T, o options, parts ...string) {
	t.Helper()
	_, err := verify(o)
	if err == nil {
		t.Fatalf("verify succeeded, want an error containing %q", parts)
	}
	for _, p := range parts {
		if !strings.Contains(err.Error(), p) {
			t.Fatalf("error %q does not contain %q", err, p)
		}
	}
}

func TestVerifiesThreeLevelLogWithCosignatureInclusionAndConsistency(t *testing.T) {
	const size = 256*256 + 300 // level 2 exists, and every level ends in a partial tile
	l := newTestLog(t, "a", size)
	l.writeTiles(t, size)
	w := newWitness(t, "witness.example.org")
	l.write(t, "checkpoint", l.checkpoint(t, size, w))
	old := filepath.Join(t.TempDir(), "old")
	check(t, os.WriteFile(old, l.checkpoint(t, 300), 0o644))

	s, err := verify(options{base: l.dir, vkey: l.vkey, witnessVkeys: []string{w.vkey}, oldCheckpoint: old,
		inclusion: []int64{0, 255, 256, 65535, 65536, size - 1}})
	check(t, err)
	if s.Size != size || s.EntriesChecked != size || s.InclusionChecked != 6 || !s.ConsistencyChecked || s.CosignaturesVerified != 1 {
		t.Fatalf("unexpected summary %+v", s)
	}
}

func TestReadsFullTileWhenPartialWasDeletedAfterGrowth(t *testing.T) {
	l := newTestLog(t, "a", 768)
	l.writeTiles(t, 600)
	l.writeTiles(t, 768) // the log grew past the checkpoint and deleted the partial tiles it replaced
	check(t, os.Remove(filepath.Join(l.dir, "tile", "0", "002.p", "88")))
	check(t, os.Remove(filepath.Join(l.dir, "tile", "entries", "002.p", "88")))
	l.write(t, "checkpoint", l.checkpoint(t, 600))
	s, err := verify(options{base: l.dir, vkey: l.vkey, inclusion: []int64{599}})
	check(t, err)
	if s.Size != 600 || s.EntriesChecked != 600 {
		t.Fatalf("unexpected summary %+v", s)
	}
}

func TestServesOverHTTP(t *testing.T) {
	l := newTestLog(t, "a", 20)
	l.writeTiles(t, 20)
	l.write(t, "checkpoint", l.checkpoint(t, 20))
	srv := httptest.NewServer(http.StripPrefix("/log/", http.FileServer(http.Dir(l.dir))))
	defer srv.Close()
	_, err := verify(options{base: srv.URL + "/log", vkey: l.vkey, inclusion: []int64{19}})
	check(t, err)
}

// x/mod 0.7.0's TileHashReader does not authenticate level-0 tile 1 of a 1000-entry tree against
// its parent, so an entry forged together with its leaf hash would pass it unnoticed.
func TestRejectsForgedEntryWithMatchingLeafHashNamingTheParentTile(t *testing.T) {
	l := newTestLog(t, "a", 1000)
	l.writeTiles(t, 1000)
	l.write(t, "checkpoint", l.checkpoint(t, 1000))
	l.entries[300] = []byte("forged")
	l.stored[tlog.StoredHashIndex(0, 300)] = tlog.RecordHash(l.entries[300])
	l.writeTiles(t, 1000)
	expectError(t, options{base: l.dir, vkey: l.vkey}, "tile/0/001 hashes to", "but its parent tile", "tile/1/000.p/3 records")
}

func TestRejectsEntryNotInTree(t *testing.T) {
	l := newTestLog(t, "a", 300)
	l.writeTiles(t, 300)
	l.write(t, "checkpoint", l.checkpoint(t, 300))
	l.entries[257] = []byte("a entry 25X")
	l.writeTiles(t, 300)
	expectError(t, options{base: l.dir, vkey: l.vkey}, "entry 257 (entry 1 of bundle", "tile/entries/001.p/44")
}

func TestRequiresEveryGivenWitnessToHaveCosigned(t *testing.T) {
	l := newTestLog(t, "a", 3)
	l.writeTiles(t, 3)
	w, other := newWitness(t, "w1.example"), newWitness(t, "w2.example")
	l.write(t, "checkpoint", l.checkpoint(t, 3, w))
	expectError(t, options{base: l.dir, vkey: l.vkey, witnessVkeys: []string{w.vkey, other.vkey}},
		"no cosignature by witness w2.example")

	forged := append(l.checkpoint(t, 3), w.cosign(origin+"\n2\n"+b64(emptyRoot)+"\n")...)
	l.write(t, "checkpoint", forged)
	expectError(t, options{base: l.dir, vkey: l.vkey, witnessVkeys: []string{w.vkey}}, "invalid signature for key w1.example")
}

func TestRejectsOldCheckpointFromAFork(t *testing.T) {
	l := newTestLog(t, "a", 40)
	l.writeTiles(t, 40)
	l.write(t, "checkpoint", l.checkpoint(t, 40))
	fork := newTestLog(t, "b", 20)
	fork.signer = l.signer
	old := filepath.Join(t.TempDir(), "old")
	check(t, os.WriteFile(old, fork.checkpoint(t, 20), 0o644))
	expectError(t, options{base: l.dir, vkey: l.vkey, oldCheckpoint: old}, "is not consistent with size 40")
}

func TestAcceptsEmptyLog(t *testing.T) {
	l := newTestLog(t, "a", 0)
	l.write(t, "checkpoint", l.checkpoint(t, 0))
	s, err := verify(options{base: l.dir, vkey: l.vkey})
	check(t, err)
	if s.Size != 0 || s.Root != b64(emptyRoot) {
		t.Fatalf("unexpected summary %+v", s)
	}
}

func TestVerifiesACosignedCheckpointFileAloneOrAgainstTheLog(t *testing.T) {
	l := newTestLog(t, "a", 300)
	l.writeTiles(t, 300)
	l.write(t, "checkpoint", l.checkpoint(t, 300)) // the log's own, without cosignatures
	w1, w2 := newWitness(t, "w1.example"), newWitness(t, "w2.example")
	file := filepath.Join(t.TempDir(), "cosigned")
	check(t, os.WriteFile(file, l.checkpoint(t, 300, w1, w2), 0o644))
	witnesses := []string{w1.vkey, w2.vkey}

	s, err := verify(options{checkpoint: file, vkey: l.vkey, witnessVkeys: witnesses})
	check(t, err)
	if s.Size != 300 || s.CosignaturesVerified != 2 || s.EntriesChecked != 0 {
		t.Fatalf("signatures only: unexpected summary %+v", s)
	}
	s, err = verify(options{base: l.dir, checkpoint: file, vkey: l.vkey, witnessVkeys: witnesses, inclusion: []int64{299}})
	check(t, err)
	if s.Size != 300 || s.CosignaturesVerified != 2 || s.EntriesChecked != 300 || s.InclusionChecked != 1 {
		t.Fatalf("against the log: unexpected summary %+v", s)
	}
	expectError(t, options{base: l.dir, vkey: l.vkey, witnessVkeys: witnesses}, "no cosignature by witness w1.example")
}

func TestRejectsACosignedCheckpointOfAnotherTreeThanTheLogs(t *testing.T) {
	l := newTestLog(t, "a", 300)
	l.writeTiles(t, 300)
	fork := newTestLog(t, "b", 300)
	fork.signer = l.signer
	w := newWitness(t, "w1.example")
	file := filepath.Join(t.TempDir(), "cosigned")
	check(t, os.WriteFile(file, fork.checkpoint(t, 300, w), 0o644))
	expectError(t, options{base: l.dir, checkpoint: file, vkey: l.vkey, witnessVkeys: []string{w.vkey}}, "checkpoint root is")
}

func TestRejectsACosignatureWithAFlippedBit(t *testing.T) {
	l := newTestLog(t, "a", 3)
	w := newWitness(t, "w1.example")
	signed := l.checkpoint(t, 3, w)
	at := len(signed) - 10 // inside the base64 of the witness's signature, before its padding
	if signed[at] == 'A' {
		signed[at] = 'B'
	} else {
		signed[at] = 'A'
	}
	file := filepath.Join(t.TempDir(), "cosigned")
	check(t, os.WriteFile(file, signed, 0o644))
	expectError(t, options{checkpoint: file, vkey: l.vkey, witnessVkeys: []string{w.vkey}}, "w1.example")
}
