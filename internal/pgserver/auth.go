//go:build linux || darwin

package pgserver

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/pbkdf2"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"syscall"
)

// hbaConf admits only password (SCRAM) logins, over the socket and over
// TCP on 127.0.0.1; everything else is refused. It replaces the cluster's
// pg_hba.conf in every server copy.
const hbaConf = `# written by pgserver: a password for every connection
local all all scram-sha-256
host  all all 127.0.0.1/32 scram-sha-256
`

// scramIterations is PostgreSQL's default SCRAM iteration count.
const scramIterations = 4096

// newSecret returns a random password for one server.
func newSecret() (string, error) {
	b := make([]byte, 18)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("generating the server password: %w", err)
	}
	return hex.EncodeToString(b), nil
}

// scramVerifier returns the SCRAM-SHA-256 verifier PostgreSQL stores for
// password, so that the plain password never reaches the server.
func scramVerifier(password string) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	salted, err := pbkdf2.Key(sha256.New, password, salt, scramIterations, sha256.Size)
	if err != nil {
		return "", err
	}
	mac := func(msg string) []byte {
		h := hmac.New(sha256.New, salted)
		h.Write([]byte(msg))
		return h.Sum(nil)
	}
	stored := sha256.Sum256(mac("Client Key"))
	b64 := base64.StdEncoding.EncodeToString
	return "SCRAM-SHA-256$" + strconv.Itoa(scramIterations) + ":" + b64(salt) +
		"$" + b64(stored[:]) + ":" + b64(mac("Server Key")), nil
}

// writeHBA replaces the pg_hba.conf of data directory data with hbaConf.
func writeHBA(data string) error {
	return os.WriteFile(filepath.Join(data, "pg_hba.conf"), []byte(hbaConf), 0o600)
}

// setPassword sets the password of role postgres with a single-user
// backend, before the server first starts: the pristine cluster holds no
// password, each copy its own.
func setPassword(ctx context.Context, bins binaries, owner account, data, password string) error {
	verifier, err := scramVerifier(password)
	if err != nil {
		return fmt.Errorf("hashing the server password: %w", err)
	}
	cmd := exec.CommandContext(ctx, bins.path("postgres"), "--single", "-D", data,
		"-c", "fsync=off", "-c", "full_page_writes=off", "-c", "log_statement=none", "postgres")
	cmd.Stdin = bytes.NewBufferString("ALTER ROLE postgres PASSWORD '" + verifier + "';\n")
	cmd.SysProcAttr = &syscall.SysProcAttr{Credential: owner.credential}
	out, err := cmd.CombinedOutput()
	if err == nil && bytes.Contains(out, []byte("ERROR:")) {
		err = fmt.Errorf("ALTER ROLE refused")
	}
	if err != nil {
		return fmt.Errorf("setting the server password: %w\n%s", err, indent(lastLines(string(out), 10)))
	}
	return nil
}
