package check_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/check"
)

func TestLength(t *testing.T) {
	for _, tc := range []struct {
		name string
		s    string
		ok   bool
	}{
		{"200 two-byte characters", strings.Repeat("ç", 200), true},
		{"201 two-byte characters", strings.Repeat("ç", 201), false},
		{"200 four-byte characters", strings.Repeat("😀", 200), true},
		{"empty", "", false},
		{"one character", "a", true},
		{"invalid UTF-8", "\xff", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := check.Length("comentario", "texto", tc.s, 1, 200)
			if (err == nil) != tc.ok {
				t.Fatalf("Length(%d bytes) = %v, want ok=%v", len(tc.s), err, tc.ok)
			}
			if err != nil {
				var de *versiona.Error
				if !errors.As(err, &de) || !errors.Is(err, versiona.ErrInvalid) || de.Field != "texto" || de.Entity != "comentario" {
					t.Fatalf("error %#v does not name comentario texto as invalid", err)
				}
			}
		})
	}
}

func TestEmail(t *testing.T) {
	for _, tc := range []struct {
		email string
		ok    bool
	}{
		{"ana@example.com", true},
		{"Ana.Souza+blog@exemplo.com.br", true},
		{"ana", false},
		{"ana@", false},
		{"@example.com", false},
		{"Ana <ana@example.com>", false},
		{" ana@example.com", false},
		{"ana@example.com, bia@example.com", false},
		{strings.Repeat("a", 250) + "@x.io", false},
	} {
		t.Run(tc.email, func(t *testing.T) {
			err := check.Email("usuario", "email", tc.email)
			if (err == nil) != tc.ok {
				t.Fatalf("Email(%q) = %v, want ok=%v", tc.email, err, tc.ok)
			}
			if err != nil && !errors.Is(err, versiona.ErrInvalid) {
				t.Fatalf("error %v is not ErrInvalid", err)
			}
		})
	}
}

func TestLimit(t *testing.T) {
	for limit, ok := range map[int]bool{-1: false, 0: false, 1: true, check.MaxPage: true, check.MaxPage + 1: false} {
		if err := check.Limit("usuario", limit); (err == nil) != ok {
			t.Errorf("Limit(%d) = %v, want ok=%v", limit, err, ok)
		}
	}
}
