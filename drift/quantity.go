package drift

// FactQuantity is a measured quantity: "30 000 km", "2,5 L", "10 kg". Unit is the unit's
// canonical symbol, so "30 000 kilomètres" and "30,000 km" are one fact.
const FactQuantity FactKind = "quantity"

// quantityUnits maps folded unit words to their symbol.
var quantityUnits = map[string]string{
	"km": "km", "kilometre": "km", "kilometres": "km", "kilometer": "km", "kilometers": "km",
	"m": "m", "metre": "m", "metres": "m", "meter": "m", "meters": "m", "cm": "cm", "mm": "mm",
	"m2": "m²", "m²": "m²", "l": "L", "litre": "L", "litres": "L", "liter": "L", "liters": "L", "ml": "mL", "cl": "cL",
	"kg": "kg", "kilo": "kg", "kilos": "kg", "g": "g", "grammes": "g", "grams": "g",
	"go": "GB", "gb": "GB", "to": "TB", "tb": "TB", "mo": "MB", "mb": "MB",
	"w": "W", "kw": "kW", "kwh": "kWh", "mah": "mAh", "ch": "hp", "cv": "hp", "hp": "hp",
}

// boundLeads make a quantity an upper bound.
var boundLeads = phrases("moins de", "jusqu a", "au plus", "maximum", "max", "less than", "under", "up to", "within", "at most")

// quantities reads numbers followed by a unit of measure.
func (d *doc) quantities() {
	toks := d.toks
	for i := 0; i < len(toks); i++ {
		if d.used[i] || toks[i].kind != tNum {
			continue
		}
		n, ok := numberAt(toks, i)
		if !ok || !d.free(n.from, n.next) || n.next >= len(toks) {
			continue
		}
		t := toks[n.next]
		u, ok := quantityUnits[t.s]
		if !ok || t.kind != tWord || !d.free(n.next, n.next+1) {
			continue
		}
		// "to" and "m" are words too: only right after a number, never before another number
		if (t.s == "to" || t.s == "m" || t.s == "g" || t.s == "l") && n.next+1 < len(toks) && toks[n.next+1].kind == tNum {
			continue
		}
		f := Fact{Kind: FactQuantity, Value: n.v, Unit: u, pos: i, end: n.next + 1}
		if endsWith(d.wordsBefore(i, 3), boundLeads) {
			f.Role = RoleUpTo // "à moins de 150 km": any distance up to it agrees
		}
		d.take(f)
		i = n.next
	}
}
