package main

import (
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/mod/sumdb/note"
	"golang.org/x/mod/sumdb/tlog"
)

// checkpoint is the C2SP tlog-checkpoint body: origin, decimal size, base64 root, optional extensions.
type checkpoint struct {
	origin string
	size   int64
	root   tlog.Hash
}

// parseCheckpoint reads the body itself because tlog.ParseTree expects sumdb's "go.sum database tree" header.
func parseCheckpoint(text string) (checkpoint, error) {
	lines := strings.SplitN(text, "\n", 4)
	if len(lines) < 4 {
		return checkpoint{}, fmt.Errorf("checkpoint body has fewer than 3 lines: %q", text)
	}
	origin, sizeText, rootText := lines[0], lines[1], lines[2]
	if origin == "" {
		return checkpoint{}, fmt.Errorf("checkpoint origin line is empty")
	}
	size, err := strconv.ParseInt(sizeText, 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != sizeText {
		return checkpoint{}, fmt.Errorf("checkpoint size line %q is not a canonical decimal", sizeText)
	}
	raw, err := base64.StdEncoding.DecodeString(rootText)
	if err != nil || len(raw) != tlog.HashSize {
		return checkpoint{}, fmt.Errorf("checkpoint root line %q is not base64 of %d bytes", rootText, tlog.HashSize)
	}
	var root tlog.Hash
	copy(root[:], raw)
	return checkpoint{origin: origin, size: size, root: root}, nil
}

// openCheckpoint verifies a signed checkpoint note: the log's signature MUST be valid, and so
// MUST a cosignature from every witness given. Signatures from unknown keys are ignored.
func openCheckpoint(signed []byte, logKey note.Verifier, witnesses []note.Verifier) (checkpoint, int, error) {
	known := append([]note.Verifier{logKey}, witnesses...)
	n, err := note.Open(signed, note.VerifierList(known...))
	if err != nil {
		return checkpoint{}, 0, err
	}
	seen := map[note.Verifier]bool{}
	for _, s := range n.Sigs {
		for _, v := range known {
			if v.Name() == s.Name && v.KeyHash() == s.Hash {
				seen[v] = true
			}
		}
	}
	if !seen[logKey] {
		return checkpoint{}, 0, fmt.Errorf("no signature by log key %s+%08x", logKey.Name(), logKey.KeyHash())
	}
	for _, w := range witnesses {
		if !seen[w] {
			return checkpoint{}, 0, fmt.Errorf("no cosignature by witness %s+%08x", w.Name(), w.KeyHash())
		}
	}
	c, err := parseCheckpoint(n.Text)
	return c, len(witnesses), err
}

const (
	algEd25519     = 0x01
	algCosignature = 0x04
)

// cosignatureVerifier checks C2SP tlog-cosignature/v1 signatures (key type 0x04). The signature
// is an 8-byte big-endian timestamp then an Ed25519 signature over
// "cosignature/v1\ntime <timestamp>\n" followed by the checkpoint body.
type cosignatureVerifier struct {
	name string
	hash uint32
	key  ed25519.PublicKey
}

func (v *cosignatureVerifier) Name() string    { return v.name }
func (v *cosignatureVerifier) KeyHash() uint32 { return v.hash }

func (v *cosignatureVerifier) Verify(msg, sig []byte) bool {
	if len(sig) != 8+ed25519.SignatureSize {
		return false
	}
	t := binary.BigEndian.Uint64(sig[:8])
	signed := append([]byte(fmt.Sprintf("cosignature/v1\ntime %d\n", t)), msg...)
	return ed25519.Verify(v.key, signed, sig[8:])
}

// newVerifier accepts a vkey "<name>+<hex key hash>+<base64(type || public key)>" of type 0x01
// (note's own Ed25519 verifier) or 0x04 (cosignature/v1).
func newVerifier(vkey string) (note.Verifier, error) {
	parts := strings.SplitN(vkey, "+", 3)
	if len(parts) != 3 {
		return nil, fmt.Errorf("vkey %q is not <name>+<hash>+<key>", vkey)
	}
	key, err := base64.StdEncoding.DecodeString(parts[2])
	if err != nil || len(key) == 0 {
		return nil, fmt.Errorf("vkey %q: key is not base64", vkey)
	}
	if key[0] == algEd25519 {
		v, err := note.NewVerifier(vkey)
		if err != nil {
			return nil, fmt.Errorf("vkey %q: %v", vkey, err)
		}
		return v, nil
	}
	if key[0] != algCosignature || len(key) != 1+ed25519.PublicKeySize {
		return nil, fmt.Errorf("vkey %q: unsupported key type 0x%02x or length %d", vkey, key[0], len(key))
	}
	hash, err := strconv.ParseUint(parts[1], 16, 32)
	if err != nil || len(parts[1]) != 8 {
		return nil, fmt.Errorf("vkey %q: key hash is not 8 hex digits", vkey)
	}
	if want := keyHash(parts[0], key); uint32(hash) != want {
		return nil, fmt.Errorf("vkey %q: key hash %s, but name and key hash to %08x", vkey, parts[1], want)
	}
	return &cosignatureVerifier{name: parts[0], hash: uint32(hash), key: key[1:]}, nil
}

// keyHash is C2SP signed-note's key ID: the first 4 bytes of SHA-256(name || "\n" || type || key).
func keyHash(name string, typedKey []byte) uint32 {
	h := sha256.New()
	h.Write([]byte(name + "\n"))
	h.Write(typedKey)
	return binary.BigEndian.Uint32(h.Sum(nil))
}
