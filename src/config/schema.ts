import { z } from "zod";

/** A 32-byte key written as 64 hex characters or base64; anything else is a configuration error. */
const key32 = z.string().refine((value) => decodeKey(value)?.length === 32, {
  message: "must be 32 bytes, written as 64 hex characters or base64",
});

export function decodeKey(value: string): Buffer | undefined {
  if (/^[0-9a-fA-F]{64}$/.test(value)) return Buffer.from(value, "hex");
  if (/^[A-Za-z0-9+/_-]{43}=?$/.test(value)) return Buffer.from(value, "base64");
  return undefined;
}

const booleanFlag = z
  .enum(["true", "false", "1", "0"])
  .transform((value) => value === "true" || value === "1");

const duration = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((value) => /^\d+(ms|s|m|h|d)$/.test(value), {
      message: "must look like 500ms, 30s, 15m, 24h or 7d",
    })
    .transform(parseDuration);

export function parseDuration(value: string): number {
  const match = /^(\d+)(ms|s|m|h|d)$/.exec(value);
  if (!match) throw new Error(`not a duration: ${value}`);
  const units = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
  return Number(match[1]) * units[match[2] as keyof typeof units];
}

/**
 * Every environment variable the service reads. `.env.example` documents each one;
 * test/config/schema.test.ts fails when the two drift apart.
 */
export const environmentSchema = z.object({
  NODE_ENV: z.enum(["development", "test", "production"]).default("development"),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  WORKERS: z.coerce.number().int().min(1).max(64).default(1),
  PUBLIC_BASE_URL: z.url().optional(),
  LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),

  LINE_CHANNEL_SECRET: z.string().min(1).optional(),
  LINE_CHANNEL_ACCESS_TOKEN: z.string().min(1).optional(),
  LINE_API_BASE_URL: z.url().default("https://api.line.me"),
  LINE_DATA_API_BASE_URL: z.url().default("https://api-data.line.me"),

  MONGODB_URI: z
    .string()
    .regex(/^mongodb(\+srv)?:\/\//, "must start with mongodb:// or mongodb+srv://")
    .optional(),
  DATA_DIR: z.string().min(1).default("./data"),
  EMBEDDED_DB_PORT: z.coerce.number().int().min(0).max(65535).optional(),

  DATA_ENCRYPTION_KEYS: z.string().optional(),
  DATA_ENCRYPTION_KEY_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,32}$/, "must be 1-32 letters, digits, _ or -")
    .optional(),
  PSEUDONYM_KEY: key32.optional(),

  WEBHOOK_BODY_LIMIT: z
    .string()
    .regex(/^\d+(b|kb|mb)$/i, "must look like 1mb or 512kb")
    .default("1mb"),
  INBOX_RETENTION: duration("7d"),
  DRAFT_TTL: duration("72h"),
  SHUTDOWN_GRACE: duration("10s"),
  ACKNOWLEDGE_WITHIN: duration("7d"),
  FEEDBACK_WITHIN: duration("90d"),
  CONTACT_RETENTION_AFTER_CLOSE: duration("30d"),
  AWARENESS_MULTICAST_RATE: z.coerce
    .number()
    .int()
    .min(1)
    .max(200, "must not exceed LINE's 200 multicast requests/s")
    .default(150),
  LOG_PRETTY: booleanFlag.optional(),
});

export type Environment = z.infer<typeof environmentSchema>;
