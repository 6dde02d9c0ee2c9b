/**
 * The benchmark's baseline: the least a LINE bot on this stack does per message. express, the
 * `@line/bot-sdk` signature middleware, a 200, then one `replyMessage` (the SDK's client) echoing
 * the text to the same fake LINE the bot talks to. No database, no state.
 *
 * It acknowledges before replying, like the bot (STYLE.md: never make LINE wait for processing), so
 * both are measured on the same terms. Configured by the service's own variables: PORT,
 * LINE_CHANNEL_SECRET, LINE_CHANNEL_ACCESS_TOKEN, LINE_API_BASE_URL. Failed replies are counted on
 * stderr as one JSON line each, for the bench to report.
 */
import http from "node:http";
import express from "express";
import { messagingApi, middleware, type webhook } from "@line/bot-sdk";

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is required`);
  return value;
}

function main(): void {
  const channelSecret = required("LINE_CHANNEL_SECRET");
  const client = new messagingApi.MessagingApiClient({
    channelAccessToken: required("LINE_CHANNEL_ACCESS_TOKEN"),
    baseURL: required("LINE_API_BASE_URL"),
  });

  const app = express();
  app.disable("x-powered-by");
  app.get("/readyz", (_req, res) => void res.json({ status: "ready" }));
  app.post("/webhook", middleware({ channelSecret }), (req, res) => {
    res.status(200).json({});
    for (const event of (req.body as webhook.CallbackRequest).events) {
      if (event.type !== "message" || event.message.type !== "text" || !event.replyToken) continue;
      client
        .replyMessage({
          replyToken: event.replyToken,
          messages: [{ type: "text", text: event.message.text }],
        })
        .catch((error: unknown) => {
          const status = (error as { status?: number }).status;
          process.stderr.write(`${JSON.stringify({ level: 50, msg: "echo reply failed", status })}\n`);
        });
    }
  });
  // Signature failures and the like: a 4xx, as the bot gives.
  app.use((error: Error, _req: express.Request, res: express.Response, _next: express.NextFunction) => {
    res.status(error.name === "SignatureValidationFailed" ? 401 : 400).json({ message: error.message });
  });

  const server = http.createServer(app);
  // The same keep-alive as the service: LINE (here, the load generator) keeps connections open.
  server.keepAliveTimeout = 65_000;
  server.listen(Number(process.env.PORT ?? 0), "127.0.0.1");
  const stop = () => {
    server.close(() => process.exit(0));
    server.closeIdleConnections();
  };
  process.on("SIGTERM", stop);
  process.on("SIGINT", stop);
}

main();
