package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/versiona/versiona/internal/dbtest"
)

func TestRun_JSON(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	with, dir, schemaPath := workspace(t, blogSchema)
	if got := migrate(t, with("diff", "blog")...); got.code != 0 {
		t.Fatal(got.stderr)
	}
	url := dbtest.URL(t)

	t.Run("diff --check", func(t *testing.T) {
		var res struct {
			InSync   bool     `json:"in_sync"`
			File     string   `json:"file"`
			SQL      string   `json:"sql"`
			Warnings []string `json:"warnings"`
		}
		got := migrate(t, with("diff", "--check", "--json")...)
		if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 0 || !res.InSync || res.File != "" {
			t.Fatalf("in sync: exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
		}
		if err := os.WriteFile(schemaPath, []byte(blogSchema+comentarioSchema), 0o644); err != nil {
			t.Fatal(err)
		}
		defer os.WriteFile(schemaPath, []byte(blogSchema), 0o644)
		got = migrate(t, with("diff", "--check", "--json")...)
		res.InSync = true
		if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 1 || res.InSync ||
			!strings.HasSuffix(res.File, "_check.sql") || !strings.Contains(res.SQL, `"comentario"`) || res.Warnings == nil {
			t.Fatalf("out of sync: exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
		}
	})

	t.Run("validate", func(t *testing.T) {
		var res struct {
			OK    bool     `json:"ok"`
			Files []string `json:"files"`
			Error string   `json:"error"`
		}
		got := migrate(t, with("validate", "--json")...)
		if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 0 || !res.OK || len(res.Files) != 1 || res.Error != "" {
			t.Fatalf("exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
		}
	})

	t.Run("status", func(t *testing.T) {
		var st struct {
			Current string   `json:"current"`
			Pending []string `json:"pending"`
			Applied []struct {
				Version string `json:"version"`
				State   string `json:"state"`
			} `json:"applied"`
			Problem string `json:"problem"`
		}
		got := migrate(t, "status", "--json", "--dir", dir, "--url", url)
		if err := json.Unmarshal([]byte(got.stdout), &st); err != nil || got.code != 0 || st.Current != "" || len(st.Pending) != 1 || len(st.Applied) != 0 {
			t.Fatalf("before apply: exit %d, %+v, %v\n%s%s", got.code, st, err, got.stdout, got.stderr)
		}
		if got := migrate(t, "apply", "--dir", dir, "--url", url); got.code != 0 {
			t.Fatal(got.stderr)
		}
		got = migrate(t, "status", "--json", "--dir", dir, "--url", url)
		if err := json.Unmarshal([]byte(got.stdout), &st); err != nil || got.code != 0 || st.Current == "" || len(st.Pending) != 0 ||
			len(st.Applied) != 1 || st.Applied[0].Version != st.Current || st.Applied[0].State != "applied" {
			t.Fatalf("after apply: exit %d, %+v, %v\n%s", got.code, st, err, got.stdout)
		}
	})

	t.Run("lint", func(t *testing.T) {
		got := migrate(t, with("new", "drop_email")...)
		name := strings.TrimSpace(strings.TrimPrefix(got.stdout, "wrote "))
		if err := os.WriteFile(name, []byte("ALTER TABLE usuarios DROP COLUMN email;\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if got := migrate(t, with("hash")...); got.code != 0 {
			t.Fatal(got.stderr)
		}
		var res struct {
			Findings []struct {
				File         string `json:"file"`
				Line         int    `json:"line"`
				Analyzer     string `json:"analyzer"`
				Code         string `json:"code"`
				Text         string `json:"text"`
				Acknowledged bool   `json:"acknowledged"`
			} `json:"findings"`
			Unacknowledged int `json:"unacknowledged"`
		}
		got = migrate(t, with("lint", "--json")...)
		if err := json.Unmarshal([]byte(got.stdout), &res); err != nil || got.code != 1 || res.Unacknowledged != 1 || len(res.Findings) != 1 {
			t.Fatalf("exit %d, %+v, %v\n%s", got.code, res, err, got.stdout)
		}
		f := res.Findings[0]
		if f.File != filepath.Base(name) || f.Line != 1 || f.Analyzer != "destructive" || f.Code != "DS103" || f.Acknowledged || !strings.Contains(f.Text, "email") {
			t.Fatalf("finding = %+v", f)
		}

		got = migrate(t, with("lint", "--format", "github")...)
		want := "::error file=" + filepath.ToSlash(filepath.Join(dir, filepath.Base(name))) + ",line=1::"
		if got.code != 1 || !strings.HasPrefix(got.stdout, want) || !strings.Contains(got.stdout, "[DS103]\n") {
			t.Fatalf("github format: exit %d\n%s\nwant a line starting %q", got.code, got.stdout, want)
		}
	})

	t.Run("validate without atlas.sum", func(t *testing.T) {
		empty := t.TempDir()
		got := migrate(t, "validate", "--dir", empty, "--dev-url", dbtest.ServerURL(t, "postgres"))
		if got.code != 1 || strings.Contains(got.stdout, "matches") || !strings.Contains(got.stderr, "atlas.sum is missing") {
			t.Fatalf("exit %d\n%s%s", got.code, got.stdout, got.stderr)
		}
	})
}

// TestRun_ApplyErrorOnce: a failing file is reported once, on stderr, with
// its progress on stdout.
func TestRun_ApplyErrorOnce(t *testing.T) {
	t.Setenv("DATABASE_URL", "")
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "20250101000000_broken.sql"), []byte("INSERT INTO nenhuma VALUES (1);\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if got := migrate(t, "hash", "--dir", dir); got.code != 0 {
		t.Fatal(got.stderr)
	}
	got := migrate(t, "apply", "--dir", dir, "--url", dbtest.URL(t))
	if got.code != 1 || strings.Count(got.stdout+got.stderr, "nenhuma") != 2 || // the message and its statement
		strings.Count(got.stderr, "20250101000000_broken.sql:1:") != 1 || strings.Contains(got.stdout, "nenhuma") ||
		!strings.Contains(got.stdout, "applying 20250101000000_broken.sql\n  FAILED") {
		t.Fatalf("exit %d\nstdout:\n%s\nstderr:\n%s", got.code, got.stdout, got.stderr)
	}
}
