package main

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/hookhub/hookhub/postgres/pgtest"
	"github.com/hookhub/hookhub/secrets"
)

// TestSalesIQJourney drives the SalesIQ surface of the whole program on
// each database: a data webhook and its key made through /api/v2, an event
// of its app published through /v1, delivered in SalesIQ's envelope with a
// signature that verifies against the public key the API returned.
func TestSalesIQJourney(t *testing.T) {
	t.Parallel()
	for _, db := range []string{"sqlite", "postgres"} {
		t.Run(db, func(t *testing.T) {
			t.Parallel()
			env := map[string]string{
				"HOOKHUB_ALLOW_PRIVATE_TARGETS": "true", "HOOKHUB_RETRY_SCALE": "0.001",
				"HOOKHUB_POLL_INTERVAL": "20ms", "HOOKHUB_ADDR": "127.0.0.1:0",
			}
			if db == "sqlite" {
				env["HOOKHUB_DB"] = filepath.Join(t.TempDir(), "data", "hookhub.db")
			} else {
				env["HOOKHUB_DB"] = pgtest.NewDatabase(t)
				env["HOOKHUB_ENCRYPTION_KEY"] = fmt.Sprintf("%x", secrets.GenerateKey())
			}
			salesIQJourney(t, env)
		})
	}
}

func salesIQJourney(t *testing.T, env map[string]string) {
	token := createTenant(t, env, "zylker")
	hh := startServe(t, env)

	var mu sync.Mutex
	type got struct {
		sig  string
		body []byte
	}
	var received []got
	rcv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		mu.Lock()
		received = append(received, got{r.Header.Get("x-siqsignature"), b})
		mu.Unlock()
	}))
	t.Cleanup(rcv.Close)

	var created struct {
		Data struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	hh.do(t, "POST", "/api/v2/zylker/webhooks", token, map[string]any{
		"webhook": map[string]any{"url": rcv.URL + "/siq", "secured": true}, "published": true,
		"events": []string{"conversation.created"}, "app_ids": []any{8000000000047},
	}, http.StatusOK, &created)
	var k struct {
		Data struct {
			PublicKey string `json:"public_key"`
		} `json:"data"`
	}
	hh.do(t, "POST", "/api/v2/zylker/webhooks/"+created.Data.ID+"/keys", token, nil, http.StatusOK, &k)
	block, _ := pem.Decode([]byte(k.Data.PublicKey))
	if block == nil {
		t.Fatalf("public key %q is not PEM", k.Data.PublicKey)
	}
	pub, err := x509.ParsePKIXPublicKey(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}

	hh.do(t, "POST", "/v1/events", token, map[string]any{
		"type": "conversation.created", "app_id": "8000000000047", "data": map[string]any{"id": "17000000004021"},
	}, http.StatusAccepted, nil)
	var r got
	for deadline := time.Now().Add(60 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		mu.Lock()
		n := len(received)
		if n > 0 {
			r = received[0]
		}
		mu.Unlock()
		if n > 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the SalesIQ webhook got nothing")
		}
	}
	sig, _ := base64.StdEncoding.DecodeString(r.sig)
	sum := sha256.Sum256(r.body)
	if err := rsa.VerifyPKCS1v15(pub.(*rsa.PublicKey), crypto.SHA256, sum[:], sig); err != nil {
		t.Errorf("x-siqsignature does not verify: %v", err)
	}
	var envelope struct {
		Version  string          `json:"version"`
		Event    string          `json:"event"`
		AppID    json.RawMessage `json:"app_id"`
		Attempt  int             `json:"attempt"`
		EntityID string          `json:"entity_id"`
	}
	if err := json.Unmarshal(r.body, &envelope); err != nil || envelope.Version != "1" || envelope.Event != "conversation.created" ||
		string(envelope.AppID) != "8000000000047" || envelope.Attempt != 1 || envelope.EntityID != "17000000004021" {
		t.Errorf("envelope %s (%v)", r.body, err)
	}
}
