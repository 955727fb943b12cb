// Command slackfake runs a local fake of Slack's Web API and response URLs and prints every call
// it receives, so `chorus serve` can be tried end to end with curl and no Slack account (see
// docs/slack-http.md). Point Chorus at it with SLACK_API_URL=http://ADDR/api/.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"sort"
	"strings"
	"syscall"
	"time"

	"github.com/chorus-hq/chorus/internal/slackfake"
)

func main() {
	addr := flag.String("addr", "127.0.0.1:4000", "listen address")
	rate := flag.Duration("rate", 0, "minimum gap between chat.postMessage calls to one channel (Slack: 1s); 0 = no limit")
	flag.Parse()
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	s, err := slackfake.Listen(*addr, slackfake.Options{RatePerChannel: *rate, OnCall: printCall})
	if err != nil {
		fmt.Fprintln(os.Stderr, "slackfake:", err)
		os.Exit(1)
	}
	defer s.Close()
	fmt.Printf("fake Slack on %s\n  SLACK_API_URL=%s\n  response_url example: %s\n", s.URL, s.APIURL(), s.ResponseURL("1"))
	<-ctx.Done()
}

// printCall shows one call on a line, with its fields in a stable order; tokens are not shown.
func printCall(c slackfake.Call) {
	keys := make([]string, 0, len(c.Form))
	for k := range c.Form {
		if k != "token" {
			keys = append(keys, k)
		}
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		v := c.Form[k]
		if len(v) > 300 {
			v = v[:300] + "…"
		}
		fmt.Fprintf(&b, " %s=%q", k, v)
	}
	fmt.Printf("%s %s%s\n", c.At.Format(time.TimeOnly), c.Method, b.String())
}
