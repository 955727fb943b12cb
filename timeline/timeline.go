// Package timeline draws the communication calendar as a picture: a Gantt chart with one row per
// campaign, its touchpoints as bars coloured by channel, deadlines as diamonds, today as a line,
// collisions outlined in red, a legend. It is pure: it draws what it is given (the words come
// translated, the days already in the reader's zone) and encodes a PNG to a writer, with the Go
// fonts embedded in golang.org/x/image, so no system font is needed.
//
// The picture is sized for Slack: 1,000 pixels wide, shown at about 800 in a message and 360 in
// a thumbnail, so its words are drawn large and its bars thick.
package timeline

import (
	"fmt"
	"hash/fnv"
	"image"
	"image/color"
	"image/draw"
	"image/png"
	"io"
	"slices"
	"time"

	"github.com/chorus-hq/chorus"
	"golang.org/x/image/font"
	"golang.org/x/image/font/gofont/gobold"
	"golang.org/x/image/font/gofont/goregular"
	"golang.org/x/image/font/opentype"
	"golang.org/x/image/math/fixed"
)

// Chart is what to draw.
type Chart struct {
	Title    string
	From, To chorus.Date // the days shown, both included
	Today    chorus.Date // a line on that day when it is shown; zero: none
	Rows     []Row
	Words    Words
}

// Row is one campaign.
type Row struct {
	Label string // the campaign's name
	Note  string // under it, smaller: its slug
	Bars  []Bar
	Marks []Mark
}

// Bar is one touchpoint.
type Bar struct {
	Channel   string // its colour and legend entry
	From, To  chorus.Date
	Collision bool // outlined in red: the radar warns about it
}

// Mark is one deadline.
type Mark struct {
	Day chorus.Date
}

// Words are the chart's words in the reader's language.
type Words struct {
	// Month names a month as its header says it: « juillet 2027 », "July 2027".
	Month     func(chorus.Date) string
	Today     string // « aujourd'hui »
	Deadline  string // « échéance »
	Collision string // « collision »
	Empty     string // said when there is no row
	// More says how many rows were left out: « … et 3 autres campagnes ».
	More func(n int) string
}

// Layout of the picture, in pixels.
const (
	width      = 1000
	margin     = 24
	labelWidth = 230 // the campaigns' names
	titleH     = 56
	headerH    = 58 // months, then days
	laneH      = 22
	lanePad    = 7
	maxLanes   = 4  // bars of one row that share days stack in lanes, at most this many
	legendLine = 30 // one line of the legend
	todayH     = 24 // under the rows: today's word at the foot of its line
	// MaxRows is how many campaigns one picture shows; more are counted in a last line.
	MaxRows = 16
)

// Colours.
var (
	white     = color.RGBA{255, 255, 255, 255}
	ink       = color.RGBA{33, 37, 41, 255}
	grey      = color.RGBA{108, 117, 125, 255}
	rule      = color.RGBA{222, 226, 230, 255}
	weekend   = color.RGBA{246, 247, 249, 255}
	band      = color.RGBA{250, 250, 252, 255}
	todayInk  = color.RGBA{13, 110, 253, 255}
	alarm     = color.RGBA{220, 38, 38, 255}
	alarmBand = color.RGBA{254, 226, 226, 255}
)

// channelColours are the built-in kinds' colours (Okabe–Ito, told apart by colour-blind
// readers too); custom kinds take one of spare by their name.
var (
	channelColours = map[string]color.RGBA{
		"email":  {0, 114, 178, 255},
		"social": {230, 159, 0, 255},
		"retail": {0, 158, 115, 255},
		"pr":     {204, 121, 167, 255},
		"events": {213, 94, 0, 255},
		"web":    {86, 180, 233, 255},
	}
	spare = []color.RGBA{{136, 34, 85, 255}, {68, 170, 153, 255}, {153, 153, 51, 255}, {102, 17, 0, 255}, {51, 34, 136, 255}}
)

// ChannelColour is the colour of a channel kind's bars.
func ChannelColour(kind string) color.RGBA {
	if c, ok := channelColours[kind]; ok {
		return c
	}
	h := fnv.New32a()
	h.Write([]byte(kind))
	return spare[h.Sum32()%uint32(len(spare))]
}

// Renderer draws charts. It holds the parsed fonts and is safe for concurrent use: each
// drawing makes its own faces.
type Renderer struct {
	regular, bold *opentype.Font
}

// NewRenderer parses the embedded fonts.
func NewRenderer() (*Renderer, error) {
	r, err := opentype.Parse(goregular.TTF)
	if err != nil {
		return nil, fmt.Errorf("timeline: parse Go Regular: %w", err)
	}
	b, err := opentype.Parse(gobold.TTF)
	if err != nil {
		return nil, fmt.Errorf("timeline: parse Go Bold: %w", err)
	}
	return &Renderer{regular: r, bold: b}, nil
}

// MustRenderer is NewRenderer for callers that start up: the fonts are compiled in, so failing
// to parse them is a broken build, not a condition to handle.
func MustRenderer() *Renderer {
	r, err := NewRenderer()
	if err != nil {
		panic(err)
	}
	return r
}

// faces are one drawing's fonts.
type faces struct {
	title, label, small, tiny font.Face
}

func (r *Renderer) faces() faces {
	face := func(f *opentype.Font, size float64) font.Face {
		fc, _ := opentype.NewFace(f, &opentype.FaceOptions{Size: size, DPI: 72, Hinting: font.HintingFull}) // never fails
		return fc
	}
	return faces{title: face(r.bold, 28), label: face(r.bold, 19), small: face(r.regular, 16), tiny: face(r.regular, 13)}
}

// Encode draws the chart and writes it as a PNG.
func (r *Renderer) Encode(w io.Writer, c Chart) error {
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(w, r.Draw(c)); err != nil {
		return fmt.Errorf("timeline: encode png: %w", err)
	}
	return nil
}

// Draw draws the chart.
func (r *Renderer) Draw(c Chart) *image.RGBA {
	if c.To.Before(c.From) {
		c.From, c.To = c.To, c.From
	}
	d := drawing{Chart: c, f: r.faces(), days: chorus.DaysBetween(c.From, c.To) + 1}
	rows := c.Rows
	more := 0
	if len(rows) > MaxRows {
		rows, more = rows[:MaxRows], len(rows)-MaxRows
	}
	lanes := make([][]int, len(rows))
	height := titleH + headerH
	for i, row := range rows {
		var n int
		lanes[i], n = stack(row.Bars)
		height += rowHeight(n)
	}
	height += todayH
	if len(rows) == 0 || more > 0 {
		height += 40
	}
	legend := d.legendItems(rows)
	height += 18 + d.legend(legend, 0, false) + margin
	d.img = image.NewRGBA(image.Rect(0, 0, width, height))
	draw.Draw(d.img, d.img.Bounds(), image.NewUniform(white), image.Point{}, draw.Src)

	d.text(d.f.title, ink, margin, margin+26, c.Title)
	top := titleH + headerH
	bottom := top
	for _, row := range rows {
		_, n := stack(row.Bars)
		bottom += rowHeight(n)
	}
	// backgrounds first (every other row banded, weekends), then the grid, then what rows hold
	y := top
	for i, row := range rows {
		_, n := stack(row.Bars)
		h := rowHeight(n)
		if i%2 == 1 {
			d.fill(image.Rect(margin, y, width-margin, y+h), band)
		}
		y += h
	}
	d.grid(titleH, top, bottom)
	y = top
	for i, row := range rows {
		_, n := stack(row.Bars)
		h := rowHeight(n)
		d.fill(image.Rect(margin, y+h-1, width-margin, y+h), rule)
		d.row(row, lanes[i], y, h)
		y += h
	}
	d.todayLine(top-22, bottom)
	y += todayH
	switch {
	case len(rows) == 0:
		d.text(d.f.small, grey, margin, y+26, c.Words.Empty)
		y += 40
	case more > 0 && c.Words.More != nil:
		d.text(d.f.small, grey, margin, y+26, c.Words.More(more))
		y += 40
	}
	d.legend(legend, y+18+10, true)
	return d.img
}

// rowHeight is the height of a row whose bars take n lanes.
func rowHeight(n int) int { return max(2, n)*laneH + (max(2, n)+1)*lanePad - 4 }

// stack gives each bar a lane, the first one free on its days, and returns the lanes used.
func stack(bars []Bar) ([]int, int) {
	lanes := make([]int, len(bars))
	var ends []chorus.Date // last day taken in each lane
	order := make([]int, len(bars))
	for i := range order {
		order[i] = i
	}
	slices.SortStableFunc(order, func(a, b int) int { return chorus.DaysBetween(bars[b].From, bars[a].From) })
	for _, i := range order {
		lane := slices.IndexFunc(ends, func(e chorus.Date) bool { return e.Before(bars[i].From) })
		switch {
		case lane >= 0:
			ends[lane] = bars[i].To
		case len(ends) < maxLanes:
			lane = len(ends)
			ends = append(ends, bars[i].To)
		default:
			lane = maxLanes - 1
		}
		lanes[i] = lane
	}
	return lanes, len(ends)
}

// drawing is one chart being drawn.
type drawing struct {
	Chart
	f    faces
	img  *image.RGBA
	days int
}

// x is the left edge of day d; x(To+1) is the right edge of the chart.
func (d *drawing) x(day chorus.Date) int {
	left, right := margin+labelWidth, width-margin
	n := chorus.DaysBetween(d.From, day)
	return left + n*(right-left)/d.days
}

func (d *drawing) fill(r image.Rectangle, c color.Color) {
	draw.Draw(d.img, r.Intersect(d.img.Bounds()), image.NewUniform(c), image.Point{}, draw.Src)
}

func (d *drawing) text(f font.Face, c color.Color, x, y int, s string) int {
	dr := font.Drawer{Dst: d.img, Src: image.NewUniform(c), Face: f, Dot: fixed.P(x, y)}
	dr.DrawString(s)
	return dr.Dot.X.Round()
}

func measure(f font.Face, s string) int { return font.MeasureString(f, s).Round() }

// fit cuts s to w pixels, ending with "…" when it cut.
func fit(f font.Face, s string, w int) string {
	if measure(f, s) <= w {
		return s
	}
	r := []rune(s)
	for len(r) > 1 && measure(f, string(r)+"…") > w {
		r = r[:len(r)-1]
	}
	return string(r) + "…"
}

// grid draws the month and day headers, weekends and month boundaries.
func (d *drawing) grid(top, rowsTop, bottom int) {
	d.weekends(rowsTop, bottom)
	step := 1 // which days get a number: all of a month, Mondays of a quarter
	if d.days > 45 {
		step = 7
	}
	for day := d.From; !d.To.Before(day); day = day.AddDays(1) {
		x := d.x(day)
		if day.Day == 1 || day == d.From {
			if day.Day == 1 {
				d.fill(image.Rect(x, top+4, x+2, bottom), grey)
			}
			if d.Words.Month != nil {
				d.text(d.f.label, ink, x+6, top+24, fit(d.f.label, d.Words.Month(day), d.x(monthEnd(day).AddDays(1))-x-8))
			}
		}
		weekday := day.In(time.UTC).Weekday()
		if step == 1 || weekday == 1 {
			s := fmt.Sprint(day.Day)
			w := measure(d.f.tiny, s)
			cx := x + (d.x(day.AddDays(1))-x)/2
			if step > 1 {
				cx = x + w/2 + 2
				d.fill(image.Rect(x, top+34, x+1, bottom), rule)
			}
			d.text(d.f.tiny, grey, cx-w/2, top+50, s)
		}
	}
	d.fill(image.Rect(margin, rowsTop-1, width-margin, rowsTop), grey)
}

// weekends shades Saturdays and Sundays between y0 and y1.
func (d *drawing) weekends(y0, y1 int) {
	for day := d.From; !d.To.Before(day); day = day.AddDays(1) {
		if wd := day.In(time.UTC).Weekday(); wd == 0 || wd == 6 {
			d.fill(image.Rect(d.x(day), y0, d.x(day.AddDays(1)), y1), weekend)
		}
	}
}

func monthEnd(day chorus.Date) chorus.Date {
	return chorus.Date{Year: day.Year, Month: day.Month + 1, Day: 1}.AddDays(-1)
}

// clip bounds a span of days to the chart, reporting false when none of it is shown.
func (d *drawing) clip(from, to chorus.Date) (chorus.Date, chorus.Date, bool) {
	if to.Before(d.From) || d.To.Before(from) {
		return from, to, false
	}
	if from.Before(d.From) {
		from = d.From
	}
	if d.To.Before(to) {
		to = d.To
	}
	return from, to, true
}

// row draws a campaign: its name, its bars in their lanes, its deadlines.
func (d *drawing) row(row Row, lanes []int, y, h int) {
	d.text(d.f.label, ink, margin+4, y+lanePad+17, fit(d.f.label, row.Label, labelWidth-12))
	d.text(d.f.tiny, grey, margin+4, y+lanePad+laneH+15, fit(d.f.tiny, row.Note, labelWidth-12))
	for i, b := range row.Bars {
		from, to, ok := d.clip(b.From, b.To)
		if !ok {
			continue
		}
		x0, x1 := d.x(from), d.x(to.AddDays(1))
		if x1-x0 < 8 {
			x1 = x0 + 8
		}
		top := y + lanePad + lanes[i]*(laneH+lanePad)
		r := image.Rect(x0+1, top, x1-1, top+laneH)
		if b.Collision {
			d.fill(r.Inset(-3), alarm)
		}
		d.fill(r, ChannelColour(b.Channel))
	}
	for _, m := range row.Marks {
		if _, _, ok := d.clip(m.Day, m.Day); ok {
			cx := (d.x(m.Day) + d.x(m.Day.AddDays(1))) / 2
			d.diamond(cx, y+h/2, 9, ink)
		}
	}
}

// diamond draws a filled diamond of half-size r centred on (cx, cy), outlined in white so it
// shows on a bar.
func (d *drawing) diamond(cx, cy, r int, c color.Color) {
	for dy := -r - 2; dy <= r+2; dy++ {
		w := r + 2 - abs(dy)
		d.fill(image.Rect(cx-w, cy+dy, cx+w+1, cy+dy+1), white)
	}
	for dy := -r; dy <= r; dy++ {
		w := r - abs(dy)
		d.fill(image.Rect(cx-w, cy+dy, cx+w+1, cy+dy+1), c)
	}
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// todayLine draws today's line over the rows, with its word at its foot, under the rows: at the
// top it would hide the month's name.
func (d *drawing) todayLine(top, bottom int) {
	if d.Today.IsZero() {
		return
	}
	if _, _, ok := d.clip(d.Today, d.Today); !ok {
		return
	}
	x := (d.x(d.Today) + d.x(d.Today.AddDays(1))) / 2
	d.fill(image.Rect(x-1, top, x+2, bottom+4), todayInk)
	w := measure(d.f.tiny, d.Words.Today)
	lx := min(max(x-w/2, margin+labelWidth), width-margin-w)
	d.fill(image.Rect(lx-4, bottom+2, lx+w+4, bottom+20), todayInk)
	d.text(d.f.tiny, white, lx, bottom+15, d.Words.Today)
}

// legendItem is one entry of the legend: its sign and its word.
type legendItem struct {
	sign  func(d *drawing, x, y int)
	label string
}

// legendItems are the channels shown, then the deadline, today and collision signs used.
func (d *drawing) legendItems(rows []Row) []legendItem {
	var kinds []string
	collision, marks := false, false
	for _, r := range rows {
		for _, b := range r.Bars {
			if _, _, ok := d.clip(b.From, b.To); !ok {
				continue
			}
			if !slices.Contains(kinds, b.Channel) {
				kinds = append(kinds, b.Channel)
			}
			collision = collision || b.Collision
		}
		for _, m := range r.Marks {
			_, _, ok := d.clip(m.Day, m.Day)
			marks = marks || ok
		}
	}
	slices.Sort(kinds)
	var items []legendItem
	for _, k := range kinds {
		items = append(items, legendItem{func(d *drawing, x, y int) { d.fill(image.Rect(x, y-8, x+20, y+8), ChannelColour(k)) }, k})
	}
	if marks {
		items = append(items, legendItem{func(d *drawing, x, y int) { d.diamond(x+10, y, 8, ink) }, d.Words.Deadline})
	}
	if _, _, shown := d.clip(d.Today, d.Today); !d.Today.IsZero() && shown {
		items = append(items, legendItem{func(d *drawing, x, y int) { d.fill(image.Rect(x+9, y-10, x+12, y+10), todayInk) }, d.Words.Today})
	}
	if collision {
		items = append(items, legendItem{func(d *drawing, x, y int) {
			d.fill(image.Rect(x-2, y-10, x+22, y+10), alarm)
			d.fill(image.Rect(x+1, y-7, x+19, y+7), alarmBand)
		}, d.Words.Collision})
	}
	return items
}

// legend lays the items out in lines from y (draw false only measures) and returns the height
// it takes.
func (d *drawing) legend(items []legendItem, y int, draw bool) int {
	x, top := margin, y
	for _, it := range items {
		w := 28 + measure(d.f.small, it.label) + 22
		if x+w > width-margin && x > margin {
			x, y = margin, y+legendLine
		}
		if draw {
			it.sign(d, x, y)
			d.text(d.f.small, ink, x+28, y+6, it.label)
		}
		x += w
	}
	return y - top + legendLine
}
