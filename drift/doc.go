// Package drift is Chorus's offline drift detector: it tells whether a channel team's message
// still says what the campaign's global message says.
//
// Compile reads a campaign's global message, its must-include points and the shared glossary
// once, and keeps what it understood (discounts, prices, dates, codes, channels, eligibility,
// conditions, key concepts) in a Reference. Reference.Check then compares one channel message
// with it and returns a Verdict: contradicted facts, missing must-include points, forbidden
// glossary variants, and a main message that moved to another offer. French and English are
// read in either direction, so a French campaign adapted in English is checked fact by fact.
//
// The package is pure: no I/O, no clock, no network, no global mutable state; the same input
// always yields the same verdict. Texts users read come from the package's own catalog
// (locales/fr.json and locales/en.json) through Finding.Reason and Reference.Summary.
package drift
