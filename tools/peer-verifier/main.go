// Command peer-verifier checks a C2SP tlog-tiles log with Go's own golang.org/x/mod/sumdb/tlog and
// sumdb/note, as an implementation independent of Kalaja's Java ledger.
//
//	peer-verifier -log <url or dir> -vkey <vkey> [-witness-vkey <vkey> ...]
//	              [-checkpoint FILE] [-old-checkpoint FILE] [-inclusion N,M,...]
//	peer-verifier -checkpoint FILE -vkey <vkey> [-witness-vkey <vkey> ...]
//	peer-verifier -evidence DIR -vkey <vkey> [-witness-vkey <vkey> ...]
//
// -checkpoint verifies the log against a signed checkpoint from elsewhere (a witness-cosigned one)
// instead of the log's own; without -log it checks only that checkpoint's signatures.
//
// -evidence checks a Kalaja evidence pack offline: every proofs/<n>.tlog-proof against entries/<n>.entry
// and the pack's one checkpoint, and the manifest's SHA-256 of every file.
//
// It prints one JSON line: {"ok":true,...} on success, or {"ok":false,"error":"..."} and exits 1.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"strconv"
	"strings"
)

type summary struct {
	OK                   bool   `json:"ok"`
	Origin               string `json:"origin"`
	Size                 int64  `json:"size"`
	Root                 string `json:"root"`
	EntriesChecked       int64  `json:"entries_checked"`
	InclusionChecked     int    `json:"inclusion_checked"`
	ConsistencyChecked   bool   `json:"consistency_checked"`
	CosignaturesVerified int    `json:"cosignatures_verified"`
}

type failure struct {
	OK    bool   `json:"ok"`
	Error string `json:"error"`
}

type stringList []string

func (s *stringList) String() string     { return strings.Join(*s, ",") }
func (s *stringList) Set(v string) error { *s = append(*s, v); return nil }

type options struct {
	base          string
	vkey          string
	witnessVkeys  []string
	checkpoint    string
	oldCheckpoint string
	inclusion     []int64
	evidence      string
}

func main() {
	opts, err := parseFlags(os.Args[1:])
	if err != nil {
		fail(err)
	}
	s, err := verify(opts)
	if err != nil {
		fail(err)
	}
	emit(s)
}

func fail(err error) {
	emit(failure{OK: false, Error: err.Error()})
	os.Exit(1)
}

// emit prints v as one JSON line, without HTML escaping so paths and keys read as they are.
func emit(v interface{}) {
	enc := json.NewEncoder(os.Stdout)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func parseFlags(args []string) (options, error) {
	var o options
	var witnesses stringList
	var inclusion string
	fs := flag.NewFlagSet("peer-verifier", flag.ContinueOnError)
	fs.SetOutput(os.Stderr)
	fs.StringVar(&o.base, "log", "", "log base: http(s) URL or directory in C2SP tlog-tiles layout")
	fs.StringVar(&o.vkey, "vkey", "", "the log's note verifier key (Ed25519, type 0x01)")
	fs.Var(&witnesses, "witness-vkey", "a witness cosignature/v1 key (type 0x04); each given MUST have cosigned (repeatable)")
	fs.StringVar(&o.checkpoint, "checkpoint", "", "signed checkpoint file to verify instead of the log's own (e.g. one cosigned by witnesses)")
	fs.StringVar(&o.oldCheckpoint, "old-checkpoint", "", "signed checkpoint file of an earlier tree to prove consistency with")
	fs.StringVar(&inclusion, "inclusion", "", "comma-separated entry indexes to prove inclusion of")
	fs.StringVar(&o.evidence, "evidence", "", "a Kalaja evidence pack directory to verify offline")
	if err := fs.Parse(args); err != nil {
		return o, fmt.Errorf("usage: %v", err)
	}
	if fs.NArg() > 0 {
		return o, fmt.Errorf("usage: unexpected arguments %q", fs.Args())
	}
	o.witnessVkeys = witnesses
	if o.evidence != "" {
		if o.vkey == "" || o.base != "" || o.checkpoint != "" || o.oldCheckpoint != "" || inclusion != "" {
			return o, fmt.Errorf("usage: -evidence takes -vkey and -witness-vkey only")
		}
		return o, nil
	}
	if o.vkey == "" || (o.base == "" && o.checkpoint == "") {
		return o, fmt.Errorf("usage: -vkey and -log or -checkpoint are required")
	}
	if o.base == "" && (o.oldCheckpoint != "" || inclusion != "") {
		return o, fmt.Errorf("usage: -old-checkpoint and -inclusion need -log")
	}
	for _, f := range strings.Split(inclusion, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		n, err := strconv.ParseInt(f, 10, 64)
		if err != nil || n < 0 {
			return o, fmt.Errorf("usage: -inclusion index %q is not a non-negative integer", f)
		}
		o.inclusion = append(o.inclusion, n)
	}
	return o, nil
}
