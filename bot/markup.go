package bot

import (
	"net/url"
	"regexp"

	"github.com/chorus-hq/chorus/reply"
)

// Slack's markup of people, channels and links lives here and nowhere else: replies name them
// with reply.User, reply.Channel and reply.Link, which toSlack writes as <@U123>, <#C123> and
// <url|label>; what Slack sends (<@U123|sami>, <#C123|social>, a pasted message link) fromSlack
// turns into those references before the features read it.

// slackRefs renders the references of a reply as Slack mrkdwn.
var slackRefs = reply.Renderer{
	User:    func(id string) string { return "<@" + id + ">" },
	Channel: func(id string) string { return "<#" + id + ">" },
	Link:    func(u, label string) string { return "<" + u + "|" + label + ">" },
}

// toSlack writes the references of a reply's text as Slack mrkdwn.
func toSlack(s string) string { return slackRefs.Render(s) }

var (
	slackUserRE    = regexp.MustCompile(`<@([UW][A-Z0-9]+)(?:\|[^>]*)?>`)
	slackChannelRE = regexp.MustCompile(`<#([CG][A-Z0-9]+)(?:\|[^>]*)?>`)
	// permalinkRE reads a Slack message link: <https://x.slack.com/archives/C123/p1700000000123456[?thread_ts=…]>.
	permalinkRE = regexp.MustCompile(`<(https://[^\s|>]*/archives/([CG][A-Z0-9]+)/p(\d{10})(\d{6})[^\s|>]*)(?:\|[^>]*)?>`)
	threadTSRE  = regexp.MustCompile(`^\d{10}\.\d{6}$`)
)

// fromSlack turns the people and channels Slack writes in a text into reply references.
func fromSlack(s string) string {
	s = slackUserRE.ReplaceAllStringFunc(s, func(m string) string { return reply.User(slackUserRE.FindStringSubmatch(m)[1]) })
	return slackChannelRE.ReplaceAllStringFunc(s, func(m string) string { return reply.Channel(slackChannelRE.FindStringSubmatch(m)[1]) })
}

// commandFromSlack is fromSlack for a slash command's text, where a pasted message link also
// becomes a reply.MessageRef: the message's thread when the link names one.
func commandFromSlack(s string) string {
	s = permalinkRE.ReplaceAllStringFunc(s, func(m string) string {
		sub := permalinkRE.FindStringSubmatch(m)
		ts := sub[3] + "." + sub[4]
		if u, err := url.Parse(sub[1]); err == nil {
			if th := u.Query().Get("thread_ts"); threadTSRE.MatchString(th) {
				ts = th
			}
		}
		return reply.MessageRef(sub[2], ts)
	})
	return fromSlack(s)
}
