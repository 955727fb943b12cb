package bot

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/slack-go/slack"
	"golang.org/x/sync/singleflight"

	"github.com/chorus-hq/chorus"
	"github.com/chorus-hq/chorus/reply"
)

// ErrChannelUnreachable reports that Slack refused a post because the bot is not in the channel
// or the channel does not exist (any more). Callers tell the user who configured the channel.
var ErrChannelUnreachable = errors.New("slack channel unreachable")

// UnreachableError is the error Client returns for a channel it cannot post to. It matches
// ErrChannelUnreachable with errors.Is.
type UnreachableError struct {
	Channel string // the channel id posted to
	Code    string // Slack's error code: not_in_channel, channel_not_found or is_archived
	Err     error  // the Slack error
}

// Error names the channel and Slack's error code.
func (e *UnreachableError) Error() string {
	return fmt.Sprintf("slack channel %s unreachable: %s", e.Channel, e.Code)
}

// Is makes errors.Is(err, ErrChannelUnreachable) true.
func (e *UnreachableError) Is(target error) bool { return target == ErrChannelUnreachable }

// Unwrap returns the Slack error.
func (e *UnreachableError) Unwrap() error { return e.Err }

// Metadata is message metadata that Slack stores with a post and returns from
// conversations.history, so the post can be found again (FindByMetadata).
type Metadata struct {
	EventType string         // such as "chorus_reminder"
	ID        string         // stored as event_payload.id; FindByMetadata matches on it
	Payload   map[string]any // further event_payload fields, optional
}

// Identity is who the bot is in its workspace, from auth.test.
type Identity struct {
	UserID string // the bot user's id (U...)
	BotID  string // the bot's id (B...), set on the bot's messages
	TeamID string
}

// ClientOptions configures a Client. Token is required; everything else has a default.
type ClientOptions struct {
	Token      string       // bot token, xoxb-...
	APIURL     string       // Web API base URL ending in "/" (SLACK_API_URL); "" for Slack's
	HTTPClient *http.Client // default: 15 s timeout, connections kept for reuse (newHTTPClient)
	Logger     *slog.Logger // default: discard
	Clock      func() time.Time
	// Sleep waits d or until ctx ends; tests pass one that advances a fake clock.
	Sleep          func(ctx context.Context, d time.Duration) error
	Metrics        *Metrics      // default: NewMetrics()
	ChannelSpacing time.Duration // min gap between chat.postMessage calls to one channel; 1 s
	MaxAttempts    int           // attempts per call, retries included; 3
	BackoffBase    time.Duration // first transient-error backoff, doubled each retry; 250 ms
	BackoffMax     time.Duration // cap on one backoff wait; 4 s
	UserCacheTTL   time.Duration // how long users.info answers are reused; 10 min
}

// Client sends everything Chorus says to Slack through the Web API. It is safe for concurrent
// use.
type Client struct {
	api      *slack.Client
	http     *http.Client
	token    string
	apiURL   string
	log      *slog.Logger
	now      func() time.Time
	sleep    func(context.Context, time.Duration) error
	metrics  *Metrics
	attempts int
	boBase   time.Duration
	boMax    time.Duration
	limiter  *channelLimiter

	userTTL time.Duration
	usersMu sync.Mutex
	users   map[string]userEntry
	// userCalls makes one users.info call per person at a time: the first commands of someone
	// new often come together (a burst, a retry), and each would otherwise ask Slack, queueing
	// behind the method's rate limit.
	userCalls singleflight.Group

	dmsMu sync.Mutex
	dms   map[string]string // user id -> direct message channel id; these never change

	picsMu sync.Mutex
	pics   map[[32]byte]string // picture content hash -> Slack file id (pictures.go)
}

type userEntry struct {
	lang    chorus.Lang
	admin   bool
	tz      string // IANA zone of the user's Slack profile
	bot     bool
	expires time.Time
}

// idleConnsPerHost is how many idle connections to one host the default HTTP client keeps.
// Every response_url is on hooks.slack.com and every Web API call on slack.com: with the
// standard library's default of 2, the deliveries running at once (64 by default) closed their
// connection after each answer and opened a new one (TCP and TLS handshakes) for the next.
const idleConnsPerHost = 128

// newHTTPClient is the default HTTP client: 15 s per call, keep-alive connections reused up to
// idleConnsPerHost per host.
func newHTTPClient() *http.Client {
	t := http.DefaultTransport.(*http.Transport).Clone()
	t.MaxIdleConns = 2 * idleConnsPerHost
	t.MaxIdleConnsPerHost = idleConnsPerHost
	return &http.Client{Timeout: 15 * time.Second, Transport: t}
}

// NewClient returns a Client for the bot token in opts.
func NewClient(opts ClientOptions) *Client {
	c := &Client{
		http:     opts.HTTPClient,
		token:    opts.Token,
		apiURL:   opts.APIURL,
		log:      opts.Logger,
		now:      opts.Clock,
		sleep:    opts.Sleep,
		metrics:  opts.Metrics,
		attempts: opts.MaxAttempts,
		boBase:   opts.BackoffBase,
		boMax:    opts.BackoffMax,
		userTTL:  opts.UserCacheTTL,
		users:    map[string]userEntry{},
		dms:      map[string]string{},
		pics:     map[[32]byte]string{},
	}
	if c.http == nil {
		c.http = newHTTPClient()
	}
	if c.log == nil {
		c.log = slog.New(slog.DiscardHandler)
	}
	if c.now == nil {
		c.now = time.Now
	}
	if c.sleep == nil {
		c.sleep = sleepContext
	}
	if c.metrics == nil {
		c.metrics = NewMetrics()
	}
	if c.attempts <= 0 {
		c.attempts = 3
	}
	if c.boBase <= 0 {
		c.boBase = 250 * time.Millisecond
	}
	if c.boMax <= 0 {
		c.boMax = 4 * time.Second
	}
	if c.userTTL <= 0 {
		c.userTTL = 10 * time.Minute
	}
	spacing := opts.ChannelSpacing
	if spacing <= 0 {
		spacing = time.Second
	}
	c.limiter = newChannelLimiter(spacing, c.now)
	c.api = slack.New(c.token, c.slackOptions()...)
	return c
}

func (c *Client) slackOptions(extra ...slack.Option) []slack.Option {
	opts := []slack.Option{
		slack.OptionHTTPClient(c.http),
		slack.OptionLog(slog.NewLogLogger(c.log.Handler(), slog.LevelDebug)),
	}
	if c.apiURL != "" {
		opts = append(opts, slack.OptionAPIURL(c.apiURL))
	}
	return append(opts, extra...)
}

// Metrics returns the counters the Client updates.
func (c *Client) Metrics() *Metrics { return c.metrics }

// AuthTest asks Slack who the bot is.
func (c *Client) AuthTest(ctx context.Context) (Identity, error) {
	var id Identity
	err := c.call(ctx, "auth.test", func(ctx context.Context) error {
		r, err := c.api.AuthTestContext(ctx)
		if err != nil {
			return err
		}
		id = Identity{UserID: r.UserID, BotID: r.BotID, TeamID: r.TeamID}
		return nil
	})
	return id, err
}

// PostMessage posts a message to channel (a channel id, or a user id for a direct message),
// in thread when thread is not "", and returns its timestamp. Posts to one channel are spaced by
// ChannelSpacing; posts to other channels do not wait for them.
func (c *Client) PostMessage(ctx context.Context, channel, thread, text string, blocks []reply.Block, metadata *Metadata) (string, error) {
	var ts string
	err := c.sendPictures(ctx, blocks, func(blocks []reply.Block) error {
		opts := messageOptions(text, blocks)
		if thread != "" {
			opts = append(opts, slack.MsgOptionTS(thread))
		}
		if metadata != nil {
			payload := map[string]any{}
			for k, v := range metadata.Payload {
				payload[k] = v
			}
			if metadata.ID != "" {
				payload["id"] = metadata.ID
			}
			opts = append(opts, slack.MsgOptionMetadata(slack.SlackMetadata{EventType: metadata.EventType, EventPayload: payload}))
		}
		return c.callChannel(ctx, "chat.postMessage", channel, true, func(ctx context.Context) error {
			_, t, err := c.api.PostMessageContext(ctx, channel, opts...)
			ts = t
			return err
		})
	})
	return ts, err
}

// PostEphemeral shows a message to user only, in channel.
func (c *Client) PostEphemeral(ctx context.Context, channel, user, text string, blocks []reply.Block) error {
	return c.sendPictures(ctx, blocks, func(blocks []reply.Block) error {
		opts := messageOptions(text, blocks)
		return c.callChannel(ctx, "chat.postEphemeral", channel, false, func(ctx context.Context) error {
			_, err := c.api.PostEphemeralContext(ctx, channel, user, opts...)
			return err
		})
	})
}

// Update replaces the text and blocks of the message ts in channel.
func (c *Client) Update(ctx context.Context, channel, ts, text string, blocks []reply.Block) error {
	return c.sendPictures(ctx, blocks, func(blocks []reply.Block) error {
		opts := messageOptions(text, blocks)
		return c.callChannel(ctx, "chat.update", channel, false, func(ctx context.Context) error {
			_, _, _, err := c.api.UpdateMessageContext(ctx, channel, ts, opts...)
			return err
		})
	})
}

// OpenView opens modal for the user whose action produced triggerID. The trigger expires 3 s
// after Slack issued it.
func (c *Client) OpenView(ctx context.Context, triggerID string, modal reply.Modal) error {
	view, err := RenderModal(modal)
	if err != nil {
		return err
	}
	return c.openView(ctx, triggerID, view)
}

func (c *Client) openView(ctx context.Context, triggerID string, view slack.ModalViewRequest) error {
	return c.call(ctx, "views.open", func(ctx context.Context) error {
		_, err := c.api.OpenViewContext(ctx, triggerID, view)
		return err
	})
}

// PublishHome sets the App Home tab that user sees.
func (c *Client) PublishHome(ctx context.Context, user string, view reply.View) error {
	return c.sendPictures(ctx, view.Blocks, func(blocks []reply.Block) error {
		home := RenderHome(reply.View{Blocks: blocks})
		return c.call(ctx, "views.publish", func(ctx context.Context) error {
			_, err := c.api.PublishViewContext(ctx, slack.PublishViewContextRequest{UserID: user, View: home})
			return err
		})
	})
}

// UserInfo returns user's language (from the Slack locale; "" when Chorus does not speak it) and
// whether the user is a workspace admin or owner. Answers are cached for UserCacheTTL.
func (c *Client) UserInfo(ctx context.Context, user string) (chorus.Lang, bool, error) {
	e, err := c.user(ctx, user)
	return e.lang, e.admin, err
}

// user returns what users.info says of user, from the cache when it is recent.
func (c *Client) user(ctx context.Context, user string) (userEntry, error) {
	now := c.now()
	c.usersMu.Lock()
	e, ok := c.users[user]
	c.usersMu.Unlock()
	if ok && now.Before(e.expires) {
		return e, nil
	}
	// The call is shared, so it does not end with the caller that started it; each caller still
	// stops waiting when its own ctx ends.
	ch := c.userCalls.DoChan(user, func() (any, error) {
		// A call that ended between the look at the cache above and this one filled it: a
		// caller arriving then must not ask Slack again.
		c.usersMu.Lock()
		e, ok := c.users[user]
		c.usersMu.Unlock()
		if ok && c.now().Before(e.expires) {
			return e, nil
		}
		ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), userInfoTimeout)
		defer cancel()
		return c.fetchUser(ctx, user)
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			return userEntry{}, r.Err
		}
		return r.Val.(userEntry), nil
	case <-ctx.Done():
		return userEntry{}, fmt.Errorf("users.info %s: %w", user, ctx.Err())
	}
}

// userInfoTimeout bounds a shared users.info call, retries and rate-limit waits included.
const userInfoTimeout = 30 * time.Second

// fetchUser asks users.info about user and keeps the answer in the cache.
func (c *Client) fetchUser(ctx context.Context, user string) (userEntry, error) {
	now := c.now()
	var u *slack.User
	err := c.call(ctx, "users.info", func(ctx context.Context) error {
		var err error
		u, err = c.api.GetUserInfoContext(ctx, user, slack.GetUserInfoOptionIncludeLocale(true))
		return err
	})
	if err != nil {
		return userEntry{}, err
	}
	lang, _ := chorus.ParseLang(u.Locale)
	e := userEntry{lang: lang, admin: u.IsAdmin || u.IsOwner || u.IsPrimaryOwner, tz: u.TZ, bot: u.IsBot, expires: now.Add(c.userTTL)}
	c.usersMu.Lock()
	if len(c.users) >= 10000 {
		// Sweep rather than grow without bound in a huge workspace.
		for k, v := range c.users {
			if !now.Before(v.expires) {
				delete(c.users, k)
			}
		}
	}
	c.users[user] = e
	c.usersMu.Unlock()
	return e, nil
}

// CachedLang returns a user's language if users.info told it recently, without calling Slack.
func (c *Client) CachedLang(user string) (chorus.Lang, bool) {
	c.usersMu.Lock()
	e, ok := c.users[user]
	c.usersMu.Unlock()
	if !ok || !c.now().Before(e.expires) {
		return "", false
	}
	return e.lang, true
}

// RespondURL answers through a response_url from a slash command or a button: ephemerally or in
// the channel per reply.Visibility, replacing the clicked message when rep.ReplaceOriginal. A
// response_url works 5 times within 30 minutes.
func (c *Client) RespondURL(ctx context.Context, responseURL string, rep reply.Reply) error {
	return c.sendPictures(ctx, rep.Blocks, func(bs []reply.Block) error {
		msg := responseMessage(rep, bs)
		return c.call(ctx, "response_url", func(ctx context.Context) error {
			return slack.PostWebhookCustomHTTPContext(ctx, responseURL, c.http, msg)
		})
	})
}

// responseMessage is rep, with blocks for its blocks, as a message answering a request: what a
// response_url receives, and what a slash command's acknowledgement may carry.
func responseMessage(rep reply.Reply, blocks []reply.Block) *slack.WebhookMessage {
	text, bs := RenderMessage(rep.Text, blocks)
	msg := &slack.WebhookMessage{
		Text:            text,
		ResponseType:    slack.ResponseTypeEphemeral,
		ReplaceOriginal: rep.ReplaceOriginal,
	}
	if rep.Visibility == reply.InChannel {
		msg.ResponseType = slack.ResponseTypeInChannel
	}
	if len(bs) > 0 {
		msg.Blocks = &slack.Blocks{BlockSet: bs}
	}
	return msg
}

// FindByMetadata returns the timestamp of the newest message in channel, posted after oldest,
// whose metadata has eventType and payload id. It reads at most 1,000 messages, so a caller
// keeps oldest recent.
//
// channel may be a user id, as for PostMessage: the direct message conversation with that user
// is read then.
func (c *Client) FindByMetadata(ctx context.Context, channel, eventType, id string, oldest time.Time) (string, bool, error) {
	if isUserID(channel) {
		dm, err := c.directChannel(ctx, channel)
		if err != nil {
			return "", false, err
		}
		channel = dm
	}
	params := &slack.GetConversationHistoryParameters{
		ChannelID:          channel,
		Limit:              200,
		IncludeAllMetadata: true,
	}
	if !oldest.IsZero() {
		params.Oldest = fmt.Sprintf("%d.%06d", oldest.Unix(), oldest.Nanosecond()/1000)
	}
	for page := 0; page < 5; page++ {
		var resp *slack.GetConversationHistoryResponse
		err := c.callChannel(ctx, "conversations.history", channel, false, func(ctx context.Context) error {
			var err error
			resp, err = c.api.GetConversationHistoryContext(ctx, params)
			return err
		})
		if err != nil {
			return "", false, err
		}
		for _, m := range resp.Messages {
			if hasMetadata(m, eventType, id) {
				return m.Timestamp, true, nil
			}
		}
		if !resp.HasMore || resp.ResponseMetaData.NextCursor == "" {
			break
		}
		params.Cursor = resp.ResponseMetaData.NextCursor
	}
	return "", false, nil
}

// isUserID reports whether a conversation id names a person (U…, or W… in Enterprise Grid);
// chat.postMessage takes those for a direct message, conversations.history does not.
func isUserID(id string) bool { return strings.HasPrefix(id, "U") || strings.HasPrefix(id, "W") }

// directChannel returns the id of the direct message conversation between the bot and user
// (conversations.open, scope im:write), from a cache after the first call.
func (c *Client) directChannel(ctx context.Context, user string) (string, error) {
	c.dmsMu.Lock()
	id, ok := c.dms[user]
	c.dmsMu.Unlock()
	if ok {
		return id, nil
	}
	err := c.call(ctx, "conversations.open", func(ctx context.Context) error {
		ch, _, _, err := c.api.OpenConversationContext(ctx, &slack.OpenConversationParameters{Users: []string{user}, ReturnIM: true})
		if err == nil {
			id = ch.ID
		}
		return err
	})
	if err != nil {
		return "", fmt.Errorf("open direct message with %s: %w", user, err)
	}
	c.dmsMu.Lock()
	if len(c.dms) >= 10000 {
		clear(c.dms)
	}
	c.dms[user] = id
	c.dmsMu.Unlock()
	return id, nil
}

func messageOptions(text string, blocks []reply.Block) []slack.MsgOption {
	t, bs := RenderMessage(text, blocks)
	opts := []slack.MsgOption{slack.MsgOptionText(t, false)}
	if len(bs) > 0 {
		opts = append(opts, slack.MsgOptionBlocks(bs...))
	}
	return opts
}

// callChannel is call for a method aimed at one channel: it maps the channel errors to
// UnreachableError and, for chat.postMessage, waits for the channel's next free slot.
func (c *Client) callChannel(ctx context.Context, method, channel string, spaced bool, fn func(context.Context) error) error {
	err := c.do(ctx, method, channel, spaced, fn)
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "not_in_channel", "channel_not_found", "is_archived":
			return &UnreachableError{Channel: channel, Code: se.Err, Err: err}
		}
	}
	return err
}

func (c *Client) call(ctx context.Context, method string, fn func(context.Context) error) error {
	return c.do(ctx, method, "", false, fn)
}

// do runs fn up to MaxAttempts times: after an HTTP 429 it waits Retry-After (and holds the
// channel's queue that long), after a transient failure it backs off exponentially.
func (c *Client) do(ctx context.Context, method, channel string, spaced bool, fn func(context.Context) error) error {
	var err error
	for attempt := 1; ; attempt++ {
		if spaced {
			if wait := c.limiter.reserve(channel); wait > 0 {
				if serr := c.sleep(ctx, wait); serr != nil {
					return fmt.Errorf("slack %s: waiting for channel %s: %w", method, channel, serr)
				}
			}
		}
		c.metrics.apiCall(method)
		err = fn(ctx)
		if spaced {
			// Slack counts a post when it arrives, not when it left: network jitter between two
			// posts spaced by their departure made half of a 1,000-post burst answer 429
			// (docs/scheduler.md). The next post to the channel waits a spacing after this one
			// completed.
			c.limiter.hold(channel, c.limiter.spacing)
		}
		if err == nil {
			return nil
		}
		var rl *slack.RateLimitedError
		limited := errors.As(err, &rl)
		c.metrics.apiError(method, limited)
		if ctx.Err() != nil || attempt >= c.attempts {
			break
		}
		var wait time.Duration
		switch {
		case limited:
			wait = max(rl.RetryAfter, time.Second)
			if spaced {
				c.limiter.hold(channel, wait)
				wait = 0 // the next reserve waits for the hold
			}
			c.log.WarnContext(ctx, "slack rate limited", "method", method, "channel", channel, "retry_after", rl.RetryAfter, "attempt", attempt)
		case transient(err):
			wait = min(c.boBase<<(attempt-1), c.boMax)
			c.log.WarnContext(ctx, "slack call failed, retrying", "method", method, "err", err, "attempt", attempt, "backoff", wait)
		default:
			return fmt.Errorf("slack %s: %w", method, err)
		}
		if wait > 0 {
			if serr := c.sleep(ctx, wait); serr != nil {
				break
			}
		}
	}
	return fmt.Errorf("slack %s: %w", method, err)
}

// transient reports errors worth retrying: Slack 5xx answers, timeouts, dropped connections.
func transient(err error) bool {
	var sc slack.StatusCodeError
	if errors.As(err, &sc) {
		return sc.Code >= 500
	}
	var se slack.SlackErrorResponse
	if errors.As(err, &se) {
		switch se.Err {
		case "internal_error", "fatal_error", "service_unavailable", "request_timeout", "ratelimited":
			return true
		}
		return false
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	return errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) ||
		errors.Is(err, syscall.ECONNRESET) || errors.Is(err, syscall.ECONNREFUSED)
}

func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// channelLimiter hands out send slots per channel, spacing apart posts to the same channel
// without a lock held while waiting, so that posts to other channels never queue behind them.
type channelLimiter struct {
	spacing time.Duration
	now     func() time.Time
	mu      sync.Mutex
	next    map[string]time.Time // earliest time of the channel's next post
}

func newChannelLimiter(spacing time.Duration, now func() time.Time) *channelLimiter {
	return &channelLimiter{spacing: spacing, now: now, next: map[string]time.Time{}}
}

// reserve takes the channel's next slot and returns how long to wait for it.
func (l *channelLimiter) reserve(channel string) time.Duration {
	now := l.now()
	l.mu.Lock()
	defer l.mu.Unlock()
	if len(l.next) > 1000 {
		for ch, t := range l.next {
			if t.Before(now) {
				delete(l.next, ch)
			}
		}
	}
	slot := now
	if t, ok := l.next[channel]; ok && t.After(now) {
		slot = t
	}
	l.next[channel] = slot.Add(l.spacing)
	return slot.Sub(now)
}

// hold keeps the channel closed for d, after Slack answered 429.
func (l *channelLimiter) hold(channel string, d time.Duration) {
	until := l.now().Add(d)
	l.mu.Lock()
	if l.next[channel].Before(until) {
		l.next[channel] = until
	}
	l.mu.Unlock()
}
