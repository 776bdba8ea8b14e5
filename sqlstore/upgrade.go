package sqlstore

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/http"

	"github.com/hookhub/hookhub/secrets"
)

// A webhook's custom headers are at rest as one sealed value: the JSON
// object of names and values, sealed as the secrets are. Header values
// are often API keys. The headers column holds the plain JSON an older
// hookhub wrote; this one writes NULL there, and a plain value found
// there is newer than the sealed one (an older node of the cluster saved
// it), so it wins until Upgrade seals it.

// sealHeaders is the stored form of h: nil for none.
func (s *Store) sealHeaders(h map[string]string) ([]byte, error) {
	if len(h) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(h)
	if err != nil {
		return nil, fmt.Errorf("encode headers: %w", err)
	}
	return s.Sealer.Seal(b), nil
}

// openHeaders reads the headers of a row.
func (s *Store) openHeaders(plain sql.NullString, sealed []byte) (map[string]string, error) {
	var b []byte
	switch {
	case plain.Valid:
		b = []byte(plain.String)
	case len(sealed) > 0:
		var err error
		if b, err = s.Sealer.Open(sealed); err != nil {
			return nil, fmt.Errorf("open headers: %w", err)
		}
	default:
		return nil, nil
	}
	var h map[string]string
	if err := json.Unmarshal(b, &h); err != nil {
		return nil, fmt.Errorf("decode headers: %w", err)
	}
	return h, nil
}

// SQL is the database the store writes to, for tools and tests that read
// rows themselves.
func (s *Store) SQL() *sql.DB { return s.W }

// Upgrade rewrites what an older hookhub stored in the clear, which only
// Go can rewrite (it needs the encryption key, or reads JSON): it seals
// webhooks' plain header values, and runs the steps listed in
// upgrade_steps, deleting each once done. Every rewrite is idempotent and
// conditional on the row being as read, so that nodes opening the
// database together, or an older node writing meanwhile, lose nothing.
// The databases' Open call it after migrating.
func (s *Store) Upgrade(ctx context.Context) error {
	if err := s.sealPlainHeaders(ctx); err != nil {
		return fmt.Errorf("upgrade: %w", err)
	}
	steps, err := collect(ctx, s.W, func(sc scanner) (name string, err error) { return name, sc.Scan(&name) },
		`SELECT name FROM upgrade_steps ORDER BY name`)
	if err != nil {
		return fmt.Errorf("upgrade: read steps: %w", err)
	}
	for _, name := range steps {
		run, ok := upgradeSteps[name]
		if !ok {
			continue // a newer hookhub's step: it runs it
		}
		if err := run(s, ctx); err != nil {
			return fmt.Errorf("upgrade: %s: %w", name, err)
		}
		if _, err := s.W.ExecContext(ctx, `DELETE FROM upgrade_steps WHERE name = $1`, name); err != nil {
			return fmt.Errorf("upgrade: %s: %w", name, err)
		}
	}
	return nil
}

// upgradeSteps are the steps a migration may list in upgrade_steps.
var upgradeSteps = map[string]func(*Store, context.Context) error{
	"hide-attempt-credentials": (*Store).hideAttemptCredentials,
}

// sealPlainHeaders seals the header values of the webhooks whose headers
// are in the clear. It runs at every open: an older node may have written
// some since.
func (s *Store) sealPlainHeaders(ctx context.Context) error {
	todo, err := collect(ctx, s.W, scanHeaderRow, `SELECT id, headers, '' FROM webhooks WHERE headers IS NOT NULL`)
	if err != nil {
		return fmt.Errorf("read plain headers: %w", err)
	}
	for _, p := range todo {
		var h map[string]string
		if err := json.Unmarshal([]byte(p.a), &h); err != nil {
			return fmt.Errorf("webhook %d: decode headers: %w", p.id, err)
		}
		sealed, err := s.sealHeaders(h)
		if err != nil {
			return fmt.Errorf("webhook %d: %w", p.id, err)
		}
		if _, err := s.W.ExecContext(ctx, `UPDATE webhooks SET headers_sealed = $1, headers = NULL WHERE id = $2 AND headers = $3`,
			sealed, p.id, p.a); err != nil {
			return fmt.Errorf("webhook %d: seal headers: %w", p.id, err)
		}
	}
	return nil
}

// headerRow is a row's id and two columns of headers (b empty when the
// query has one).
type headerRow struct {
	id   int64
	a, b string
}

func scanHeaderRow(sc scanner) (headerRow, error) {
	var r headerRow
	return r, sc.Scan(&r.id, &r.a, &r.b)
}

// upgradeBatch is how many attempt ids one statement of an upgrade reads.
const upgradeBatch = 5000

// hideAttemptCredentials hides the credentials in the headers of the
// attempts stored before they were hidden on write. It reads the attempts
// a batch at a time by id, only those whose headers may hold a credential
// by a loose match, and rewrites those that do.
func (s *Store) hideAttemptCredentials(ctx context.Context) error {
	// Lower-case JSON keys that may be a credential's: a superset of
	// secrets.CredentialHeader's, which decides.
	const maybe = `(LOWER(request_headers) LIKE '%authorization"%' OR LOWER(request_headers) LIKE '%cookie"%'
		OR LOWER(request_headers) LIKE '%key"%' OR LOWER(request_headers) LIKE '%token"%'
		OR LOWER(request_headers) LIKE '%secret"%' OR LOWER(request_headers) LIKE '%password"%'
		OR LOWER(response_headers) LIKE '%cookie"%' OR LOWER(response_headers) LIKE '%authorization"%'
		OR LOWER(response_headers) LIKE '%key"%' OR LOWER(response_headers) LIKE '%token"%'
		OR LOWER(response_headers) LIKE '%secret"%' OR LOWER(response_headers) LIKE '%password"%')`
	var top int64
	if err := s.W.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM attempts`).Scan(&top); err != nil {
		return fmt.Errorf("read attempts: %w", err)
	}
	// Ranges of ids, so that each statement reads a bounded part of the
	// table however few of its rows match (a statement timeout applies).
	for after := int64(0); after < top; after += upgradeBatch {
		batch, err := collect(ctx, s.W, scanHeaderRow, `SELECT id, request_headers, response_headers FROM attempts
			WHERE id > $1 AND id <= $2 AND `+maybe, after, after+upgradeBatch)
		if err != nil {
			return fmt.Errorf("read attempts: %w", err)
		}
		// One transaction a batch: SQLite commits thousands of
		// statements one by one slowly.
		err = s.inTx(ctx, func(tx *sql.Tx) error {
			for _, r := range batch {
				req, reqChanged, err := hideJSONHeaders(r.a)
				if err != nil {
					return fmt.Errorf("attempt %d: request headers: %w", r.id, err)
				}
				resp, respChanged, err := hideJSONHeaders(r.b)
				if err != nil {
					return fmt.Errorf("attempt %d: response headers: %w", r.id, err)
				}
				if !reqChanged && !respChanged {
					continue
				}
				// Conditional on the row as read: hiding is idempotent, so
				// a row another node rewrote meanwhile is already hidden.
				if _, err := tx.ExecContext(ctx, `UPDATE attempts SET request_headers = $1, response_headers = $2
					WHERE id = $3 AND request_headers = $4 AND response_headers = $5`, req, resp, r.id, r.a, r.b); err != nil {
					return fmt.Errorf("attempt %d: hide credentials: %w", r.id, err)
				}
			}
			return nil
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// hideJSONHeaders hides the credentials of headers stored as JSON, and
// says whether it changed anything.
func hideJSONHeaders(stored string) (string, bool, error) {
	var h http.Header
	if err := json.Unmarshal([]byte(stored), &h); err != nil {
		return "", false, err
	}
	hidden := secrets.HideHeaders(h)
	b, err := json.Marshal(hidden)
	if err != nil {
		return "", false, err
	}
	changed := false
	for k, vs := range h {
		for i, v := range vs {
			if hidden[k][i] != v {
				changed = true
			}
		}
	}
	if !changed {
		return stored, false, nil
	}
	return string(b), true, nil
}
