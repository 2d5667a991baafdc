//go:build !linux && !darwin

package pgserver

import (
	"context"
	"errors"
	"strings"
	"testing"
)

func TestStart_Unsupported(t *testing.T) {
	_, err := Start(context.Background(), Options{})
	if !errors.Is(err, ErrUnsupported) || !strings.Contains(err.Error(), "set DATABASE_URL") {
		t.Fatalf("Start = %v, want ErrUnsupported naming DATABASE_URL", err)
	}
}
