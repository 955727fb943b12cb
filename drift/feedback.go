package drift

import "github.com/chorus-hq/chorus"

// accepted drops the findings a lead already judged « pas une dérive » for this campaign: the
// same kind on the same words. A missing point has no words of its own: what a lead accepts
// then is the whole message stating the point in its own way (AcceptedQuote), so the same copy
// posted again, or in another channel, is not flagged, while any other copy still is. A finding
// of another kind on the same words still stands, so accepting a wording never hides another
// drift.
func (r *Reference) accepted(fs []Finding, text string) []Finding {
	if len(r.accept) == 0 {
		return fs
	}
	out := fs[:0]
	for _, f := range fs {
		quote, point := f.Quote, ""
		if f.Kind == KindMissing {
			quote, point = AcceptedQuote(f, text), f.GlobalQuote
		}
		if !r.accept[chorus.AcceptedKey(string(f.Kind), quote, point)] {
			out = append(out, f)
		}
	}
	return out
}

// AcceptedQuote is the wording to record when a lead accepts finding f of the copy text: the
// words the finding quotes, or for a missing point the whole copy.
func AcceptedQuote(f Finding, text string) string {
	if f.Kind == KindMissing {
		return text
	}
	return f.Quote
}
