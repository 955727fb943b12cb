// Slack's Bolt for JavaScript answering slash commands the way Slack's documentation shows:
// ack() at once, then respond() to the command's response_url. BenchmarkBoltComparison
// (cmd/chorus/bolt_test.go) starts it with node and drives it with the same signed requests and
// the same response_url server as Chorus, to compare the answers per second of both.
//
// Environment: SLACK_SIGNING_SECRET (required), PORT (0: any free port). When it listens it prints
// one line, "listening <port>", on stdout.
const { App, HTTPReceiver, LogLevel } = require('@slack/bolt');

const receiver = new HTTPReceiver({
  signingSecret: process.env.SLACK_SIGNING_SECRET,
  endpoints: '/slack/events',
  logLevel: LogLevel.ERROR,
});

const app = new App({
  receiver,
  // No Web API call is made: the bot's identity is given, so that Bolt does not ask auth.test
  // (Chorus asks it once at start), and respond() posts to the response_url, which needs no
  // token. SLACK_API_URL, when set, is where any other call would go (the fake Slack).
  token: 'xoxb-bench',
  tokenVerificationEnabled: false,
  botId: 'B0BOLT',
  botUserId: 'U0BOLT',
  clientOptions: process.env.SLACK_API_URL ? { slackApiUrl: process.env.SLACK_API_URL } : {},
  logLevel: LogLevel.ERROR,
});

app.command(/.*/, async ({ command, ack, respond }) => {
  await ack();
  await respond({ response_type: 'ephemeral', text: `${command.command} ${command.text}: ok` });
});

app.error(async (error) => {
  console.error(error);
});

(async () => {
  const server = await app.start(Number(process.env.PORT || 0));
  console.log(`listening ${server.address().port}`);
})();
