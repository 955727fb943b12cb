package timeline_test

import (
	"bytes"
	"flag"
	"fmt"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/timeline"
)

var update = flag.Bool("update", false, "rewrite the golden pictures under testdata/")

func day(m time.Month, d int) chorus.Date { return chorus.Date{Year: 2027, Month: m, Day: d} }

var frenchMonths = []string{"janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre"}

func frenchWords() timeline.Words {
	return timeline.Words{
		Month:     func(d chorus.Date) string { return fmt.Sprintf("%s %d", frenchMonths[d.Month-1], d.Year) },
		Today:     "aujourd'hui",
		Deadline:  "échéance",
		Collision: "collision",
		Empty:     "Aucun point de contact sur cette période.",
		More:      func(n int) string { return fmt.Sprintf("… et %d autres campagnes", n) },
	}
}

// quarter is the benchmark's workspace: 12 campaigns with 5 touchpoints each over the third
// quarter of 2027, deadlines, and collisions.
func quarter() timeline.Chart {
	kinds := []string{"email", "social", "retail", "web", "pr", "events", "influence"}
	names := []string{"Soldes d'été literie", "Rentrée des classes", "Fête des pères", "Canapés -40 %", "Programme fidélité",
		"Salon Maison & Objet", "Black Friday avant-première", "Lancement DouceNuit", "Jardin d'été", "Cuisine équipée",
		"Offre B2B hôtels", "Anniversaire magasin Lyon"}
	c := timeline.Chart{Title: "Calendrier du 1er juillet au 30 septembre 2027", From: day(7, 1), To: day(9, 30), Today: day(7, 20), Words: frenchWords()}
	for i, name := range names {
		row := timeline.Row{Label: name, Note: fmt.Sprintf("campagne-%02d", i+1)}
		for j := range 5 {
			start := day(7, 1).AddDays((i*7 + j*17) % 85)
			row.Bars = append(row.Bars, timeline.Bar{Channel: kinds[(i+j)%len(kinds)], From: start, To: start.AddDays((i + j*3) % 9),
				Collision: (i+j)%11 == 0})
		}
		row.Marks = []timeline.Mark{{Day: day(7, 1).AddDays((i*11 + 5) % 90)}}
		c.Rows = append(c.Rows, row)
	}
	return c
}

func TestGolden(t *testing.T) {
	r := timeline.MustRenderer()
	month := quarter()
	month.From, month.To, month.Rows, month.Title = day(7, 1), day(7, 31), month.Rows[:4], "Calendrier de juillet 2027"
	empty := month
	empty.Rows = nil
	past := month // today is not shown: neither its line nor its legend
	past.Title, past.Today = "Calendrier de juillet 2027, vu en décembre 2026", day(1, 1).AddDays(-26)
	tests := []struct {
		name  string
		chart timeline.Chart
	}{
		{"quarter", quarter()},
		{"month", month},
		{"empty", empty},
		{"today elsewhere", past},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := r.Encode(&buf, tt.chart); err != nil {
				t.Fatal(err)
			}
			got, err := png.Decode(bytes.NewReader(buf.Bytes()))
			if err != nil {
				t.Fatalf("the PNG does not decode: %v", err)
			}
			if got.Bounds().Dx() != 1000 {
				t.Fatalf("width %d, want 1000", got.Bounds().Dx())
			}
			path := filepath.Join("testdata", strings.ReplaceAll(tt.name, " ", "-")+".png")
			if *update {
				if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			b, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (go test -update writes it)", err)
			}
			want, err := png.Decode(bytes.NewReader(b))
			if err != nil {
				t.Fatal(err)
			}
			if n, total := differing(got, want); n*5000 > total { // 0.02 % of pixels: a moved bar is more
				t.Fatalf("%d of %d pixels differ from %s (go test -update rewrites it)", n, total, path)
			}
		})
	}
}

// differing counts the pixels whose colour differs by more than a rounding's worth, over the
// union of both pictures (a size change counts every extra pixel).
func differing(a, b image.Image) (n, total int) {
	ra, rb := a.Bounds(), b.Bounds()
	u := ra.Union(rb)
	for y := u.Min.Y; y < u.Max.Y; y++ {
		for x := u.Min.X; x < u.Max.X; x++ {
			total++
			p := image.Pt(x, y)
			if !p.In(ra) || !p.In(rb) {
				n++
				continue
			}
			r1, g1, b1, _ := a.At(x, y).RGBA()
			r2, g2, b2, _ := b.At(x, y).RGBA()
			if far(r1, r2) || far(g1, g2) || far(b1, b2) {
				n++
			}
		}
	}
	return n, total
}

func far(a, b uint32) bool { return a>>8 > b>>8+24 || b>>8 > a>>8+24 }

// TestDifferingCatches: the golden comparison fails on a real change (a bar moved by a week).
func TestDifferingCatches(t *testing.T) {
	r := timeline.MustRenderer()
	a := quarter()
	b := quarter()
	b.Rows[0].Bars[0].From, b.Rows[0].Bars[0].To = b.Rows[0].Bars[0].From.AddDays(30), b.Rows[0].Bars[0].To.AddDays(30)
	if n, total := differing(r.Draw(a), r.Draw(b)); n*5000 <= total {
		t.Fatalf("moving a bar changed only %d of %d pixels: the tolerance hides real changes", n, total)
	}
	if n, _ := differing(r.Draw(a), r.Draw(quarter())); n != 0 {
		t.Fatalf("drawing the same chart twice differs in %d pixels", n)
	}
}

func TestChannelColours(t *testing.T) {
	if timeline.ChannelColour("email") == timeline.ChannelColour("social") {
		t.Fatal("email and social share a colour")
	}
	if timeline.ChannelColour("influence") != timeline.ChannelColour("influence") {
		t.Fatal("a custom kind's colour is not stable")
	}
}

// BenchmarkQuarter draws and encodes the 12-campaign, 60-touchpoint quarter (docs/benchmarks.md).
func BenchmarkQuarter(b *testing.B) {
	r := timeline.MustRenderer()
	c := quarter()
	var buf bytes.Buffer
	for b.Loop() {
		buf.Reset()
		if err := r.Encode(&buf, c); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(buf.Len()), "png-bytes")
}
