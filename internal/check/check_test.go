package check_test

import (
	"errors"
	"math"
	"strings"
	"testing"

	"github.com/versiona/versiona"
	"github.com/versiona/versiona/internal/check"
)

var texto = check.Text{Entity: "comentario", Field: "texto", Table: "comentario", Min: 1, Max: 200}

func TestText_Check(t *testing.T) {
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
		{"invalid UTF-8 inside", "abc\xc3(def", false},
		{"NUL byte", "abc\x00def", false},
		{"only a NUL byte", "\x00", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			err := texto.Check(tc.s)
			if (err == nil) != tc.ok {
				t.Fatalf("Check(%d bytes) = %v, want ok=%v", len(tc.s), err, tc.ok)
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

func TestText_NoUpperBound(t *testing.T) {
	conteudo := check.Text{Entity: "postagem", Field: "conteudo", Table: "postagens"}
	if err := conteudo.Check(strings.Repeat("a", 100000)); err != nil {
		t.Fatalf("long text refused: %v", err)
	}
	if err := conteudo.Check(""); err != nil {
		t.Fatalf("empty text refused without a minimum: %v", err)
	}
	if err := conteudo.Check("a\x00"); !errors.Is(err, versiona.ErrInvalid) {
		t.Fatalf("NUL byte: %v, want ErrInvalid", err)
	}
}

func TestText_Email(t *testing.T) {
	email := check.Text{Entity: "usuario", Field: "email", Table: "usuarios", Min: 3, Max: 254}
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
		{"ana\x00@example.com", false},
	} {
		t.Run(tc.email, func(t *testing.T) {
			err := email.Email(tc.email)
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

func TestRange_Check(t *testing.T) {
	nota := check.Range{Entity: "matricula", Field: "nota", Table: "matriculas", Min: 0, Max: 10, HasMax: true}
	for v, ok := range map[float64]bool{-0.5: false, 0: true, 10: true, 10.5: false, math.NaN(): false} {
		if err := nota.Check(v); (err == nil) != ok {
			t.Errorf("Check(%v) = %v, want ok=%v", v, err, ok)
		}
	}
	vagas := check.Range{Entity: "turma", Field: "vagas", Table: "turmas", Min: 1}
	if err := vagas.Check(0); !errors.Is(err, versiona.ErrInvalid) || !strings.Contains(err.Error(), "at least 1") {
		t.Errorf("Check(0) = %v, want ErrInvalid saying at least 1", err)
	}
}
