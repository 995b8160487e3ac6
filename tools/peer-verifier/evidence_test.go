package main

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/tlog"
)

// writePack writes an evidence pack of the given entries against the checkpoint of size, with
// proofs made by tlog itself and a manifest hashing every file.
func writePack(t *testing.T, l *testLog, size int64, w *witness, indexes ...int64) string {
	dir := t.TempDir()
	signed := l.checkpoint(t, size, w)
	put := func(rel string, data []byte) {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		check(t, os.MkdirAll(filepath.Dir(p), 0o755))
		check(t, os.WriteFile(p, data, 0o644))
	}
	put("checkpoint", signed)
	type entry struct {
		Index int64  `json:"index"`
		Why   string `json:"why"`
	}
	var entries []entry
	for _, i := range indexes {
		proof, err := tlog.ProveRecord(size, i, l.reader())
		check(t, err)
		text := fmt.Sprintf("c2sp.org/tlog-proof@v1\nindex %d\n", i)
		for _, h := range proof {
			text += base64.StdEncoding.EncodeToString(h[:]) + "\n"
		}
		put(fmt.Sprintf("entries/%d.entry", i), l.entries[i])
		put(fmt.Sprintf("proofs/%d.tlog-proof", i), append([]byte(text+"\n"), signed...))
		entries = append(entries, entry{i, "test"})
	}
	reseal(t, dir, entries)
	return dir
}

func reseal(t *testing.T, dir string, entries interface{}) {
	files := map[string]string{}
	check(t, filepath.Walk(dir, func(p string, info os.FileInfo, err error) error {
		if err != nil || info.IsDir() || info.Name() == "MANIFEST.json" {
			return err
		}
		data, err := os.ReadFile(p)
		check(t, err)
		rel, _ := filepath.Rel(dir, p)
		sum := sha256.Sum256(data)
		files[filepath.ToSlash(rel)] = hex.EncodeToString(sum[:])
		return nil
	}))
	m, err := json.Marshal(map[string]interface{}{"format": "kalaja-evidence/v1", "origin": origin, "files": files, "entries": entries})
	check(t, err)
	check(t, os.WriteFile(filepath.Join(dir, "MANIFEST.json"), m, 0o644))
}

func readEntries(t *testing.T, dir string) interface{} {
	raw, err := os.ReadFile(filepath.Join(dir, "MANIFEST.json"))
	check(t, err)
	var m map[string]interface{}
	check(t, json.Unmarshal(raw, &m))
	return m["entries"]
}

func TestEvidencePackVerifiesEveryProofAgainstItsCheckpoint(t *testing.T) {
	l := newTestLog(t, "e", 700)
	w := newWitness(t, "witness.example.org")
	dir := writePack(t, l, 700, w, 0, 255, 256, 699)
	s, err := verify(options{evidence: dir, vkey: l.vkey, witnessVkeys: []string{w.vkey}})
	check(t, err)
	if s.InclusionChecked != 4 || s.Size != 700 || s.CosignaturesVerified != 1 {
		t.Fatalf("summary %+v, want 4 proofs against size 700 with 1 cosignature", s)
	}
}

func TestEvidencePackWithChangedEntryFailsNamingIt(t *testing.T) {
	l := newTestLog(t, "e", 300)
	w := newWitness(t, "witness.example.org")
	dir := writePack(t, l, 300, w, 3, 7)
	check(t, os.WriteFile(filepath.Join(dir, "entries", "7.entry"), []byte("e entry 8"), 0o644))
	reseal(t, dir, readEntries(t, dir))
	expectError(t, options{evidence: dir, vkey: l.vkey, witnessVkeys: []string{w.vkey}}, "entry 7 (entries/7.entry)", "not proven")
}

func TestEvidencePackWithProofForAnotherCheckpointFails(t *testing.T) {
	l := newTestLog(t, "e", 300)
	w := newWitness(t, "witness.example.org")
	dir := writePack(t, l, 300, w, 3, 7)
	other := writePack(t, l, 299, w, 7)
	proof, err := os.ReadFile(filepath.Join(other, "proofs", "7.tlog-proof"))
	check(t, err)
	check(t, os.WriteFile(filepath.Join(dir, "proofs", "7.tlog-proof"), proof, 0o644))
	reseal(t, dir, readEntries(t, dir))
	expectError(t, options{evidence: dir, vkey: l.vkey, witnessVkeys: []string{w.vkey}}, "entry 7", "not against the pack's checkpoint")
}

func TestEvidencePackWithUnlistedOrChangedFileFails(t *testing.T) {
	l := newTestLog(t, "e", 10)
	dir := writePack(t, l, 10, newWitness(t, "w"), 1)
	check(t, os.WriteFile(filepath.Join(dir, "notes.txt"), []byte("x"), 0o644))
	expectError(t, options{evidence: dir, vkey: l.vkey}, "notes.txt: not listed")
	check(t, os.Remove(filepath.Join(dir, "notes.txt")))
	check(t, os.WriteFile(filepath.Join(dir, "entries", "1.entry"), []byte("x"), 0o644))
	expectError(t, options{evidence: dir, vkey: l.vkey}, "entries/1.entry: SHA-256")
}

func TestEvidenceFlagTakesNoLog(t *testing.T) {
	if _, err := parseFlags([]string{"-evidence", "d", "-vkey", "k", "-log", "x"}); err == nil {
		t.Fatal("-evidence with -log accepted")
	}
}
