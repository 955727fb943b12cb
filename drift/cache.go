package drift

import (
	"encoding/json"
	"hash/maphash"
	"strconv"

	"github.com/chorus-hq/chorus"
	lru "github.com/hashicorp/golang-lru/v2"
)

// Cache keeps compiled References, so that a check does not compile the whole glossary again:
// with 3,000 terms compiling is most of a check's time, and the glossary and the campaign change
// far less often than copy is checked. An entry is found by a fingerprint of what Compile reads
// (the campaign, every glossary term with its version, the year), so a write to either — a new
// term, a retired one, an edited message, an accepted wording — makes a new fingerprint and the
// next check compiles again: nothing has to invalidate it. A Reference is not changed by Check,
// so one entry serves concurrent checks. The zero Cache is not usable; use NewCache.
type Cache struct {
	seed maphash.Seed
	refs *lru.Cache[uint64, *Reference] // the least recently used goes first
}

// NewCache returns a cache of at most size References (one per campaign checked recently with
// the current glossary, in practice); size below 1 is taken as 1.
func NewCache(size int) *Cache {
	refs, _ := lru.New[uint64, *Reference](max(size, 1)) // fails only on a size below 1
	return &Cache{seed: maphash.MakeSeed(), refs: refs}
}

// Compile returns what Compile(c, glossary, year) returns, compiled once per campaign, glossary
// and year.
func (k *Cache) Compile(c chorus.Campaign, glossary []chorus.GlossaryTerm, year int) *Reference {
	h := k.hash(c, year)
	h.WriteByte('T')
	for i := range glossary {
		hashTerm(h, &glossary[i])
	}
	key := h.Sum64()
	if r, ok := k.refs.Get(key); ok {
		return r
	}
	r := Compile(c, glossary, year)
	k.refs.ContainsOrAdd(key, r)
	return r
}

// CompileVersion is Compile for a glossary named by a version (the store's GlossaryVersion,
// which changes whenever a term does): the fingerprint hashes that name rather than every
// term, and glossary is called only when the entry must be compiled, so that a check against an
// unchanged glossary of 3,000 terms costs what one against 30 does. An empty version names
// nothing: the terms are read and hashed as by Compile.
func (k *Cache) CompileVersion(c chorus.Campaign, version string, glossary func() ([]chorus.GlossaryTerm, error), year int) (*Reference, error) {
	if version == "" {
		terms, err := glossary()
		if err != nil {
			return nil, err
		}
		return k.Compile(c, terms, year), nil
	}
	h := k.hash(c, year)
	h.WriteByte('V')
	h.WriteString(version)
	key := h.Sum64()
	if r, ok := k.refs.Get(key); ok {
		return r, nil
	}
	terms, err := glossary()
	if err != nil {
		return nil, err
	}
	r := Compile(c, terms, year)
	k.refs.ContainsOrAdd(key, r)
	return r, nil
}

// hash starts a fingerprint of what Compile reads with the campaign and the year; the caller
// adds the glossary, as its terms or as its version, after a byte saying which. The campaign
// is small and hashed whole as JSON; the glossary can hold thousands of terms and is hashed
// field by field (hashTerm), far faster.
func (k *Cache) hash(c chorus.Campaign, year int) *maphash.Hash {
	h := &maphash.Hash{}
	h.SetSeed(k.seed)
	camp, err := json.Marshal(c)
	if err != nil { // a Campaign is plain data; should it ever fail, never share an entry
		h.WriteByte(0xfe)
		h.WriteString(strconv.Itoa(k.refs.Len() + 1))
		return h
	}
	h.Write(camp)
	h.WriteString(strconv.Itoa(year))
	h.WriteByte(0)
	return h
}

// hashTerm writes every field of t that says what the term enforces, each string followed by a
// separator so that fields cannot run into one another. TestHashTermCoversEveryField fails
// when GlossaryTerm gains a field this does not consider.
func hashTerm(h *maphash.Hash, t *chorus.GlossaryTerm) {
	str := func(s string) {
		h.WriteString(s)
		h.WriteByte(0)
	}
	flag := func(b bool) {
		if b {
			h.WriteByte(1)
		} else {
			h.WriteByte(0)
		}
	}
	str(t.WorkspaceID)
	str(t.Term)
	str(string(t.Lang))
	str(t.Definition)
	str(strconv.Itoa(len(t.Forbidden)))
	for _, f := range t.Forbidden {
		str(f)
	}
	str(strconv.Itoa(len(t.Exceptions)))
	for _, e := range t.Exceptions {
		str(e)
	}
	str(t.Note)
	flag(t.MatchCase)
	flag(t.MatchAccent)
	flag(t.Retired)
	str(t.Equivalent)
	str(strconv.Itoa(t.Version))
	h.WriteByte(0xff) // end of the term
}
