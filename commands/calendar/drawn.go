package calendar

import (
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"sync"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/timeline"
)

// drawn keeps the PNGs of the charts drawn lately. The App Home shows this month's calendar
// each time it is opened, and drawing and encoding the picture (20–40 ms) was most of what
// opening it cost: the same chart — same rows, days and words — is encoded once. A chart is
// found by a fingerprint of everything the picture shows, so a change of a touchpoint, a
// deadline, the day or the language draws anew: nothing has to invalidate an entry.
type drawn struct {
	seed maphash.Seed
	max  int

	mu   sync.Mutex
	pngs map[uint64][]byte
	age  []uint64 // keys, oldest first: the first is dropped when max is reached
}

// keptPictures is how many charts drawn keeps: this month's and the next weeks' of each
// workspace and language, in practice.
const keptPictures = 32

func newDrawn(size int) *drawn {
	return &drawn{seed: maphash.MakeSeed(), max: max(size, 1), pngs: map[uint64][]byte{}}
}

// encode returns the PNG of chart, whose words are in lang, drawn by r at the first call only.
// The bytes are shared by every caller and must not be changed.
func (k *drawn) encode(r *timeline.Renderer, chart timeline.Chart, lang chorus.Lang) ([]byte, error) {
	key, err := k.fingerprint(chart, lang)
	if err != nil {
		return nil, err
	}
	k.mu.Lock()
	png, ok := k.pngs[key]
	k.mu.Unlock()
	if ok {
		return png, nil
	}
	var buf bytes.Buffer
	if err := r.Encode(&buf, chart); err != nil {
		return nil, err
	}
	png = buf.Bytes()
	k.mu.Lock()
	defer k.mu.Unlock()
	if _, ok := k.pngs[key]; !ok {
		if len(k.age) >= k.max {
			delete(k.pngs, k.age[0])
			k.age = k.age[1:]
		}
		k.pngs[key] = png
		k.age = append(k.age, key)
	}
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
