package pgerr_test

import (
	"context"
	"errors"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/dbtest"
	"github.com/versiona/versiona/internal/pgerr"
)

func TestMain(m *testing.M) { dbtest.Main(m, nil) }

// TestMap_BadText feeds real server errors for text the server cannot
// store to Map: both become ErrInvalid.
func TestMap_BadText(t *testing.T) {
	pool := dbtest.New(t)
	ctx := context.Background()
	if _, err := pool.Exec(ctx, "CREATE TABLE t (s text)"); err != nil {
		t.Fatal(err)
	}
	for name, bad := range map[string]string{
		"NUL byte":      "abc\x00def",
		"invalid UTF-8": "abc\xc3(def",
	} {
		t.Run(name, func(t *testing.T) {
			_, err := pool.Exec(ctx, "INSERT INTO t (s) VALUES ($1)", bad)
			if err == nil {
				t.Fatal("the server stored it")
			}
			got := pgerr.Map(nil, "thing", err)
			var de *versiona.Error
			if !errors.Is(got, versiona.ErrInvalid) || !errors.As(got, &de) || de.Entity != "thing" {
				t.Fatalf("Map(%v) = %v, want ErrInvalid for thing", err, got)
			}
		})
	}
}
