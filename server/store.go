package server

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"

	"github.com/hookhub/hookhub/postgres"
	"github.com/hookhub/hookhub/secrets"
	"github.com/hookhub/hookhub/service"
	"github.com/hookhub/hookhub/sqlite"
)

// OpenStore opens and migrates the database c.DB names.
func OpenStore(ctx context.Context, c Config, log *slog.Logger) (service.Store, error) {
	key, err := encryptionKey(c, log)
	if err != nil {
		return nil, err
	}
	if IsPostgres(c.DB) {
		db, err := postgres.Open(ctx, postgres.Config{URL: c.DB, Key: key, MaxConns: c.MaxConns, Node: c.nodeID(), Logger: log.With("part", "postgres")})
		if err != nil {
			return nil, err
		}
		return db, nil
	}
	db, err := sqlite.Open(ctx, sqlite.Config{Path: c.DB, Key: key, Synchronous: strings.ToUpper(c.SQLiteSync), Node: c.nodeID()})
	if err != nil {
		return nil, err
	}
	return db, nil
}

// encryptionKey reads HOOKHUB_ENCRYPTION_KEY or, for SQLite, the key file
// beside the database, made on first start.
func encryptionKey(c Config, log *slog.Logger) ([]byte, error) {
	if c.EncryptionKey != "" {
		key, err := secrets.ParseKey(c.EncryptionKey)
		if err != nil {
			return nil, fmt.Errorf("encryption key: %w", err)
		}
		return key, nil
	}
	if IsPostgres(c.DB) {
		return nil, errors.New("encryption key is required with PostgreSQL: set HOOKHUB_ENCRYPTION_KEY to 32 bytes in hex or base64 (every node the same)")
	}
	path := filepath.Join(filepath.Dir(c.DB), "hookhub.key")
	key, created, err := secrets.LoadOrCreateKeyFile(path)
	if err != nil {
		return nil, fmt.Errorf("encryption key: %w", err)
	}
	if created {
		log.Warn("generated an encryption key for secrets at rest; keep it with the database and back it up, or set HOOKHUB_ENCRYPTION_KEY", "path", path)
	}
	return key, nil
}
