package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/timeline"
	lru "github.com/hashicorp/golang-lru/v2"
)

// drawn keeps the PNGs of the charts drawn lately. The App Home shows this month's calendar
// each time it is opened, and drawing and encoding the picture (20–40 ms) was most of what
// opening it cost: the same chart — same rows, days and words — is encoded once. A chart is
// found by a fingerprint of everything the picture shows, so a change of a touchpoint, a
// deadline, the day or the language draws anew: nothing has to invalidate an entry.
type drawn struct {
	seed maphash.Seed
	pngs *lru.Cache[uint64, []byte] // the least recently used goes first
}

// keptPictures is how many charts drawn keeps: this month's and the next weeks' of each
// workspace and language, in practice.
const keptPictures = 32

func newDrawn(size int) *drawn {
	pngs, _ := lru.New[uint64, []byte](max(size, 1)) // fails only on a size below 1
	return &drawn{seed: maphash.MakeSeed(), pngs: pngs}
}

// encode returns the PNG of chart, whose words are in lang, drawn by r at the first call only.
// The bytes are shared by every caller and must not be changed.
func (k *drawn) encode(r *timeline.Renderer, chart timeline.Chart, lang chorus.Lang) ([]byte, error) {
	key, err := k.fingerprint(chart, lang)
	if err != nil {
		return nil, err
	}
	if png, ok := k.pngs.Get(key); ok {
		return png, nil
	}
	var buf bytes.Buffer
	if err := r.Encode(&buf, chart); err != nil {
		return nil, err
	}
	png := buf.Bytes()
	k.pngs.ContainsOrAdd(key, png)
	return png, nil
}

// fingerprint hashes what the picture shows. The words given as functions (month names, « and
// n more ») are said by lang; the others are hashed as they are.
func (k *drawn) fingerprint(chart timeline.Chart, lang chorus.Lang) (uint64, error) {
	w := chart.Words
	plain := struct {
		Title                                 string
		From, To, Today                       chorus.Date
		Rows                                  []timeline.Row
		Lang                                  chorus.Lang
		TodayWord, Deadline, Collision, Empty string
	}{chart.Title, chart.From, chart.To, chart.Today, chart.Rows, lang, w.Today, w.Deadline, w.Collision, w.Empty}
	b, err := json.Marshal(plain)
	if err != nil {
		return 0, fmt.Errorf("fingerprint the calendar: %w", err)
	}
	return maphash.Bytes(k.seed, b), nil
}
