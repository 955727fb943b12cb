package drift

import "strings"

// phones reads phone numbers: "09 69 32 15 15", "+33 9 69 32 15 15", "0969321515", "01.84.60.12.12".
func (d *doc) phones() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		start := i
		plus := false
		if toks[i].isSym("+") && i+1 < len(toks) && toks[i+1].kind == tNum && toks[i+1].glued() {
			plus = true
			i++
		}
		if toks[i].kind != tNum {
			i = start
			continue
		}
		var b strings.Builder
		b.WriteString(toks[i].s)
		groups := 1
		j := i + 1
		sep := ""
		for j < len(toks) {
			t := toks[j]
			if t.kind == tNum && t.space && !t.nl && len(t.s) <= 4 && (sep == "" || sep == " ") {
				b.WriteString(t.s)
				groups++
				sep = " "
				j++
				continue
			}
			if (t.isSym(".") || t.isSym("-")) && (sep == "" || sep == t.s) && d.text[t.start:t.end] != "–" && t.glued() && j+1 < len(toks) && toks[j+1].kind == tNum && toks[j+1].glued() && len(toks[j+1].s) <= 4 {
				sep = t.s
				b.WriteString(toks[j+1].s)
				groups++
				j += 2
				continue
			}
			break
		}
		digits := b.String()
		trunk := plus || digits[0] == '0'
		ok := len(digits) >= 9 && len(digits) <= 13 &&
			((trunk && (groups >= 3 || groups == 1 || (plus && groups >= 2))) || (!trunk && groups >= 4 && len(digits) >= 10))
		if !ok {
			i = start
			continue
		}
		if plus && strings.HasPrefix(digits, "33") {
			digits = "0" + digits[2:]
		}
		d.take(Fact{Kind: FactPhone, Text: digits, pos: start, end: j})
		i = j - 1
	}
}

// urls reads host names and URLs: "doucenuit.fr", "www.kestrelaudio.com/x2", "https://…".
func (d *doc) urls() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] || toks[i].kind == tSym {
			continue
		}
		if i > 0 && toks[i].glued() && (toks[i-1].isSym(".") || toks[i-1].isSym("-") || toks[i-1].kind != tSym) {
			continue
		}
		var parts []string
		seps := []string{}
		j := i
		parts = append(parts, toks[i].s)
		for j+2 < len(toks)+0 && j+2 <= len(toks)-1 {
			s := toks[j+1]
			w := toks[j+2]
			if (s.isSym(".") || s.isSym("-")) && s.glued() && w.kind != tSym && w.glued() {
				parts = append(parts, w.s)
				seps = append(seps, s.s)
				j += 2
				continue
			}
			break
		}
		if len(parts) < 2 || seps[len(seps)-1] != "." || !tlds[parts[len(parts)-1]] || toks[j].kind == tNum {
			continue
		}
		var b strings.Builder
		for k, p := range parts {
			if k > 0 {
				b.WriteString(seps[k-1])
			}
			b.WriteString(p)
		}
		host := strings.TrimPrefix(b.String(), "www.")
		from := i
		if i >= 4 && toks[i-1].isSym("/") && toks[i-2].isSym("/") && toks[i-3].isSym(":") && (toks[i-4].is("https") || toks[i-4].is("http")) {
			from = i - 4
		}
		end := j + 1
		// a path belongs to the URL
		for end+1 < len(toks) && toks[end].isSym("/") && toks[end].glued() && toks[end+1].glued() && toks[end+1].kind != tSym {
			end += 2
		}
		var path strings.Builder
		for k := j + 1; k+1 < end; k += 2 {
			path.WriteString("/" + toks[k+1].s)
		}
		d.take(Fact{Kind: FactURL, Text: host, Path: strings.TrimPrefix(path.String(), "/"), pos: from, end: end})
		i = end - 1
	}
}

var codeWords = map[string]bool{"code": true, "coupon": true, "voucher": true, "promocode": true, "codepromo": true}

// codes reads promo codes introduced by "code", "code promo", "coupon", "voucher".
func (d *doc) codes() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if !codeWords[toks[i].s] || toks[i].kind == tSym {
			continue
		}
		j := i + 1
		for n := 0; j < len(toks) && n < 3 && (codeFillers[toks[j].s] || skippable(toks[j])); n++ {
			j++
		}
		if j >= len(toks) || toks[j].kind == tSym || d.used[j] {
			continue
		}
		t := toks[j]
		raw := d.text[t.start:t.end]
		end := j + 1
		for end+1 < len(toks) && toks[end].isSym("-") && toks[end].glued() && toks[end+1].glued() && toks[end+1].kind != tSym {
			raw += "-" + d.text[toks[end+1].start:toks[end+1].end]
			end += 2
		}
		if len(raw) < 3 || !(t.upper || strings.ContainsAny(raw, "0123456789")) || stopwords[t.s] {
			continue
		}
		d.take(Fact{Kind: FactCode, Text: strings.ToUpper(raw), pos: j, end: end})
		i = end - 1
	}
}

var codeFillers = map[string]bool{"promo": true, "promotionnel": true, "le": true, "the": true, "de": true, "reduction": true, "discount": true}
