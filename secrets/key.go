package secrets

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// GenerateKey returns a new random key of KeySize bytes.
func GenerateKey() []byte {
	key := make([]byte, KeySize)
	rand.Read(key) // never fails; see crypto/rand.Read
	return key
}

// keyEncodings are the base64 forms ParseKey accepts.
var keyEncodings = []*base64.Encoding{
	base64.StdEncoding,
	base64.URLEncoding,
	base64.RawStdEncoding,
	base64.RawURLEncoding,
}

// ParseKey decodes a key written as 64 hexadecimal characters or as the
// standard or URL-safe base64 (padded or not) of KeySize bytes. Surrounding
// white space is ignored. Errors never contain the key.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, errors.New("parse encryption key: key is empty")
	}
	if isHex(s) {
		switch len(s) {
		case 2 * KeySize:
			return hex.DecodeString(s)
		case base64.RawStdEncoding.EncodedLen(KeySize):
			// Unpadded base64 that happens to use only hex digits.
		default:
			return nil, fmt.Errorf("parse encryption key: hexadecimal key has %d characters, want %d", len(s), 2*KeySize)
		}
	}
	for _, enc := range keyEncodings {
		key, err := enc.DecodeString(s)
		if err != nil {
			continue
		}
		if len(key) != KeySize {
			return nil, fmt.Errorf("parse encryption key: key decodes to %d bytes, want %d", len(key), KeySize)
		}
		return key, nil
	}
	return nil, fmt.Errorf("parse encryption key: want %d hexadecimal characters or the base64 of %d bytes", 2*KeySize, KeySize)
}

// LoadOrCreateKeyFile reads the key in the file at path, written as
// ParseKey accepts. If there is no such file it creates one holding a new
// random key in standard base64, with mode 0600, creating its folder with
// mode 0700 if needed, and reports created. A file that holds no valid key
// is an error, never replaced.
func LoadOrCreateKeyFile(path string) (key []byte, created bool, err error) {
	if path == "" {
		return nil, false, errors.New("load key file: path is empty")
	}
	key, err = readKeyFile(path)
	if !errors.Is(err, fs.ErrNotExist) {
		return key, false, err
	}
	key = GenerateKey()
	err = createKeyFile(path, key)
	if errors.Is(err, fs.ErrExist) {
		// Another process created it meanwhile; use theirs.
		key, err = readKeyFile(path)
		return key, false, err
	}
	if err != nil {
		return nil, false, err
	}
	return key, true, nil
}

func readKeyFile(path string) ([]byte, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read key file: %w", err)
	}
	key, err := ParseKey(string(data))
	if err != nil {
		return nil, fmt.Errorf("read key file %s: %w", path, err)
	}
	return key, nil
}

// createKeyFile writes key to a new file at path, failing with fs.ErrExist
// if there is one already.
func createKeyFile(path string, key []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("create key folder: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("create key file: %w", err)
	}
	_, err = f.WriteString(base64.StdEncoding.EncodeToString(key) + "\n")
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(path)
		return fmt.Errorf("write key file: %w", err)
	}
	return nil
}

func isHex(s string) bool {
	return strings.Trim(s, "0123456789abcdefABCDEF") == ""
}
