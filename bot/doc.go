// Package bot is Chorus's Slack transport: the only package that speaks Slack's wire format.
//
// It has three parts that share one behaviour:
//
//   - Client wraps slack-go's Web API client for every send. It spaces chat.postMessage to one
//     message per second per channel, waits out HTTP 429 Retry-After, retries transient failures
//     a few times, and turns "not_in_channel"/"channel_not_found" into ErrChannelUnreachable.
//   - The render functions turn transport-agnostic reply.Reply, Modal and View values into
//     Block Kit, truncating to Slack's limits so that no payload is ever rejected for size.
//   - A Dispatcher decodes slash commands, interactions and Events API callbacks into
//     reply.Request values for a Handler, acknowledges fast, and delivers replies after the
//     acknowledgement. NewHTTPHandler serves it over HTTP (signed requests on /slack/events) and
//     RunSocketMode over a Socket Mode WebSocket: two transports, one dispatcher.
//
// Acknowledgement strategy. Slack wants every request acknowledged within 3 s, and a modal's
// trigger_id is only valid for 3 s after Slack issued it. The dispatcher therefore acknowledges
// slash commands, button clicks and events at once (an empty 200, or an empty Socket Mode ack)
// and runs the Handler in a bounded worker pool with a context detached from the request. When
// the Handler's reply carries a Modal and it arrived within ModalBudget (2 s by default) of the
// request's arrival, views.open is called with the still-valid trigger; a later modal is dropped
// and the user is told to try again. A view_submission is the exception: Slack reads field errors
// from the acknowledgement itself, so the dispatcher waits up to SubmitBudget (2.5 s) for the
// Handler and answers with response_action "errors" when the Reply has FieldErrors.
//
// Intake. Before acknowledging, the dispatcher writes the request to an Inbox (the store's
// durable inbox) when it has one, so that a crash loses nothing acknowledged: RunInbox runs again
// what a dead process left unfinished. Work is admitted into one bounded queue; beyond it (or
// beyond what the workers can start within Window) the acknowledgement itself says « busy ».
// The HTTP front door refuses unsigned, stale, oversized or slow requests before reading their
// body, and caps the requests and bodies in flight.
package bot
