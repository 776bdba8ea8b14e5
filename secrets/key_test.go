package secrets

import (
	"bytes"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseKey(t *testing.T) {
	t.Parallel()
	key := make([]byte, KeySize)
	for i := range key {
		key[i] = byte(0xf0 + i) // gives + and / in standard base64
	}
	zero := make([]byte, KeySize) // unpadded base64 is 43 "A"s, all hex digits
	tests := []struct {
		name    string
		in      string
		want    []byte // nil for key
		wantErr string
	}{
		{name: "hex", in: hex.EncodeToString(key)},
		{name: "upper-case hex", in: strings.ToUpper(hex.EncodeToString(key))},
		{name: "standard base64", in: base64.StdEncoding.EncodeToString(key)},
		{name: "standard base64 without padding", in: base64.RawStdEncoding.EncodeToString(key)},
		{name: "URL base64", in: base64.URLEncoding.EncodeToString(key)},
		{name: "URL base64 without padding", in: base64.RawURLEncoding.EncodeToString(key)},
		{name: "base64 of only hex digits", in: base64.RawStdEncoding.EncodeToString(zero), want: zero},
		{name: "surrounding space", in: "  " + base64.StdEncoding.EncodeToString(key) + "\n"},

		{name: "empty", in: " \n", wantErr: "parse encryption key: key is empty"},
		{name: "short hex", in: hex.EncodeToString(key[:31]),
			wantErr: "parse encryption key: hexadecimal key has 62 characters, want 64"},
		{name: "long hex", in: hex.EncodeToString(append(key, 0)),
			wantErr: "parse encryption key: hexadecimal key has 66 characters, want 64"},
		{name: "base64 of 16 bytes", in: base64.StdEncoding.EncodeToString(key[:16]),
			wantErr: "parse encryption key: key decodes to 16 bytes, want 32"},
		{name: "base64 of 48 bytes", in: base64.StdEncoding.EncodeToString(bytes.Repeat([]byte{0xff}, 48)),
			wantErr: "parse encryption key: key decodes to 48 bytes, want 32"},
		{name: "garbage", in: "correct horse battery staple",
			wantErr: "parse encryption key: want 64 hexadecimal characters or the base64 of 32 bytes"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			got, err := ParseKey(tt.in)
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("ParseKey(%q) = %x, want error %q", tt.in, got, tt.wantErr)
				}
				if got, want := err.Error(), tt.wantErr; got != want {
					t.Errorf("ParseKey(%q) error = %q, want %q", tt.in, got, want)
				}
				return
			}
			if err != nil {
				t.Fatalf("ParseKey(%q): %v", tt.in, err)
			}
			want := tt.want
			if want == nil {
				want = key
			}
			if !bytes.Equal(got, want) {
				t.Errorf("ParseKey(%q) = %x, want %x", tt.in, got, want)
			}
		})
	}
}

func TestLoadOrCreateKeyFile(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	path := filepath.Join(dir, "config", "keys", "secrets.key")

	key, created, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatalf("create: %v", err)
	}
	if got, want := created, true; got != want {
		t.Errorf("created = %v, want %v", got, want)
	}
	if got, want := len(key), KeySize; got != want {
		t.Fatalf("len(key) = %d, want %d", got, want)
	}

	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(data), base64.StdEncoding.EncodeToString(key)+"\n"; got != want {
		t.Errorf("file holds %q, want %q", got, want)
	}
	if runtime.GOOS != "windows" {
		assertMode(t, path, 0o600)
		assertMode(t, filepath.Dir(path), 0o700)
		assertMode(t, filepath.Join(dir, "config"), 0o700)
	}

	again, created, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatalf("load: %v", err)
	}
	if got, want := created, false; got != want {
		t.Errorf("created on second call = %v, want %v", got, want)
	}
	if !bytes.Equal(again, key) {
		t.Errorf("loaded key %x, want the created %x", again, key)
	}
	if _, err := New(again); err != nil {
		t.Errorf("New(loaded key): %v", err)
	}
}

func TestLoadOrCreateKeyFileExisting(t *testing.T) {
	t.Parallel()
	key := GenerateKey()
	tests := []struct {
		name    string
		content string
		wantErr string // a part of the message; "" to load key
	}{
		{name: "base64 with newline", content: base64.StdEncoding.EncodeToString(key) + "\n"},
		{name: "hex", content: hex.EncodeToString(key)},
		{name: "empty", content: "", wantErr: ": parse encryption key: key is empty"},
		{name: "wrong length", content: base64.StdEncoding.EncodeToString(key[:20]),
			wantErr: ": parse encryption key: key decodes to 20 bytes, want 32"},
		{name: "garbage", content: "not a key at all",
			wantErr: ": parse encryption key: want 64 hexadecimal characters"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			path := filepath.Join(t.TempDir(), "key")
			if err := os.WriteFile(path, []byte(tt.content), 0o600); err != nil {
				t.Fatal(err)
			}
			got, created, err := LoadOrCreateKeyFile(path)
			if created {
				t.Error("created = true for an existing file")
			}
			if tt.wantErr != "" {
				if err == nil {
					t.Fatalf("LoadOrCreateKeyFile() = %x, want an error", got)
				}
				if msg := err.Error(); !strings.Contains(msg, tt.wantErr) || !strings.Contains(msg, path) {
					t.Errorf("error = %q, want it to name %s and contain %q", msg, path, tt.wantErr)
				}
				data, rerr := os.ReadFile(path)
				if rerr != nil || string(data) != tt.content {
					t.Errorf("file changed to %q (%v), want it left as %q", data, rerr, tt.content)
				}
				return
			}
			if err != nil {
				t.Fatalf("LoadOrCreateKeyFile: %v", err)
			}
			if !bytes.Equal(got, key) {
				t.Errorf("key = %x, want %x", got, key)
			}
		})
	}
}

func TestLoadOrCreateKeyFileErrors(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	file := filepath.Join(dir, "file")
	if err := os.WriteFile(file, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name    string
		path    string
		wantErr string
	}{
		{name: "empty path", path: "", wantErr: "load key file: path is empty"},
		{name: "folder is a file", path: filepath.Join(file, "key"), wantErr: "read key file: "},
		{name: "path is a folder", path: dir, wantErr: "read key file: "},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			_, _, err := LoadOrCreateKeyFile(tt.path)
			if err == nil {
				t.Fatal("LoadOrCreateKeyFile succeeded, want an error")
			}
			if !strings.HasPrefix(err.Error(), tt.wantErr) {
				t.Errorf("error = %q, want it to start with %q", err, tt.wantErr)
			}
		})
	}
}

func TestLoadOrCreateKeyFileRace(t *testing.T) {
	t.Parallel()
	path := filepath.Join(t.TempDir(), "key")
	existing := GenerateKey()
	// As if another process created the file between the read and the
	// create: createKeyFile must refuse to replace it.
	if err := os.WriteFile(path, []byte(hex.EncodeToString(existing)), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := createKeyFile(path, GenerateKey()); !errors.Is(err, fs.ErrExist) {
		t.Fatalf("createKeyFile over an existing file = %v, want fs.ErrExist", err)
	}
	got, _, err := LoadOrCreateKeyFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, existing) {
		t.Errorf("key = %x, want the existing %x", got, existing)
	}
}

func assertMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := fi.Mode().Perm(); got != want {
		t.Errorf("mode of %s = %#o, want %#o", path, got, want)
	}
}
