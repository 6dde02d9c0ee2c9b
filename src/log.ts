import pino, { type Logger } from "pino";

export type { Logger };

/**
 * Structured JSON logs. Reporters must stay anonymous, so anything that could hold a LINE user id,
 * a name or message content is censored by path, wherever it appears in a logged object.
 */
export const redactedPaths = [
  "userId",
  "*.userId",
  "*.*.userId",
  "to",
  "*.to",
  "displayName",
  "*.displayName",
  "text",
  "*.text",
  "*.*.text",
  "message",
  "messages",
  "*.messages",
  "payload",
  "*.payload",
  "replyToken",
  "*.replyToken",
  "authorization",
  "*.authorization",
  "headers.authorization",
  "req.headers.authorization",
  'req.headers["x-line-signature"]',
  "channelAccessToken",
  "*.channelAccessToken",
  "channelSecret",
  "*.channelSecret",
];

export function createLogger(options: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: options.level,
      base: { service: "integrity-tipline" },
      redact: { paths: redactedPaths, censor: "[redacted]" },
      // Error messages from libraries can quote request bodies; keep the type and stack, not arbitrary fields.
      serializers: { err: pino.stdSerializers.err },
      timestamp: pino.stdTimeFunctions.isoTime,
    },
    options.destination,
  );
}
