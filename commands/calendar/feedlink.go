package calendar

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"regexp"
	"strings"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/commands/feature"
	"github.com/chorus-hq/chorus/reply"
)

// Feeds is what the calendar's subscription links need from persistence: only the hash of a
// token is stored.
type Feeds interface {
	AddCalendarToken(ctx context.Context, t chorus.CalendarToken) (chorus.CalendarToken, error)
	CalendarToken(ctx context.Context, hash string) (chorus.CalendarToken, error)
	RevokeCalendarTokens(ctx context.Context, workspace, user string) (int, error)
}

// FeedPath is the path of the feed of token on the server: GET /calendar/{token}.ics.
func FeedPath(token string) string { return "/calendar/" + token + ".ics" }

// tokenRE is what a token looks like: 32 random bytes in unpadded base64url.
var tokenRE = regexp.MustCompile(`^[A-Za-z0-9_-]{43}$`)

func hashToken(token string) string {
	h := sha256.Sum256([]byte(token))
	return hex.EncodeToString(h[:])
}

// feedLink answers "/chorus calendar link|revoke": a person's secret subscription link to the
// workspace's calendar, shown to them only; a new link revokes the previous ones.
func (c *call) feedLink(ctx context.Context, args []string) (reply.Reply, error) {
	switch feature.Verb(args, 0) {
	case "link":
		if len(args) != 1 {
			return reply.Reply{}, c.Usage("calendar.link")
		}
		if _, err := c.feeds.RevokeCalendarTokens(ctx, c.Req.Workspace, c.Req.User); err != nil {
			return reply.Reply{}, fmt.Errorf("revoke the previous calendar links: %w", err)
		}
		var b [32]byte
		_, _ = rand.Read(b[:]) // crypto/rand.Read never fails
		token := base64.RawURLEncoding.EncodeToString(b[:])
		if _, err := c.feeds.AddCalendarToken(ctx, chorus.CalendarToken{Hash: hashToken(token), WorkspaceID: c.Req.Workspace, User: c.Req.User}); err != nil {
			return reply.Reply{}, fmt.Errorf("add a calendar link: %w", err)
		}
		url := FeedPath(token)
		hint := c.T("calendar.link.no_base")
		if c.feedBase != "" {
			url, hint = strings.TrimSuffix(c.feedBase, "/")+url, ""
		}
		text := "🔗 " + c.T("calendar.link.made", url)
		blocks := []reply.Block{{Kind: reply.Section, Text: text}, {Kind: reply.Context, Text: c.T("calendar.link.how")}}
		if hint != "" {
			blocks = append(blocks, reply.Block{Kind: reply.Context, Text: hint})
			text += "\n" + hint
		}
		return reply.Reply{Text: text, Blocks: blocks}, nil // ephemeral: the link is a secret
	case "revoke":
		n, err := c.feeds.RevokeCalendarTokens(ctx, c.Req.Workspace, c.Req.User)
		if err != nil {
			return reply.Reply{}, fmt.Errorf("revoke calendar links: %w", err)
		}
		if n == 0 {
			return feature.Notice(c.T("calendar.link.none")), nil
		}
		return feature.Notice("✅ " + c.T("calendar.link.revoked", n)), nil
	}
	return reply.Reply{}, c.Usage("calendar.link")
}

// FeedOwner returns whose link token is: ErrNotFound for a token that is malformed, unknown or
// revoked.
func (f *Feature) FeedOwner(ctx context.Context, token string) (chorus.CalendarToken, error) {
	if !tokenRE.MatchString(token) {
		return chorus.CalendarToken{}, fmt.Errorf("malformed calendar token: %w", chorus.ErrNotFound)
	}
	t, err := f.feeds.CalendarToken(ctx, hashToken(token))
	if err != nil && !errors.Is(err, chorus.ErrNotFound) {
		return t, fmt.Errorf("calendar token: %w", err)
	}
	return t, err
}

// Feed writes the iCalendar of the turn's workspace for its reader (FeedOwner's user).
func (f *Feature) Feed(ctx context.Context, t *feature.Turn) ([]byte, error) {
	return f.call(t).iCalendar(ctx)
}
