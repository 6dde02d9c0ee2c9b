import path from "node:path";
import { z } from "zod";
import { decodeKey, environmentSchema, type Environment } from "./schema";
import { loadOrCreateLocalSecrets } from "./local-secrets";

export interface EncryptionKey {
  id: string;
  key: Buffer;
}

/** The validated configuration the composition root hands to every module. */
export interface Config {
  env: Environment["NODE_ENV"];
  port: number;
  /** Service processes sharing the port (node:cluster); needs MONGODB_URI and real LINE credentials. */
  workers: number;
  publicBaseUrl?: string;
  logLevel: Environment["LOG_LEVEL"];
  logPretty: boolean;
  /** Local mode: no LINE credentials, so the built-in fake LINE platform stands in for LINE. */
  localLine: boolean;
  /** Embedded store: no MONGODB_URI, so the built-in MongoDB-compatible store is started. */
  embeddedStore: boolean;
  dataDir: string;
  embeddedDbPort?: number;
  line: {
    channelSecret: string;
    channelAccessToken: string;
    apiBaseUrl: string;
    dataApiBaseUrl: string;
  };
  mongodbUri?: string;
  encryption: { keys: EncryptionKey[]; currentKeyId: string };
  pseudonymKey: Buffer;
  webhookBodyLimit: string;
  inboxRetentionMs: number;
  draftTtlMs: number;
  shutdownGraceMs: number;
  deadlines: { acknowledgeWithinMs: number; feedbackWithinMs: number };
  contactRetentionAfterCloseMs: number;
  /** Multicast requests per second for campaign delivery (LINE allows 200 per channel). */
  awarenessMulticastRate: number;
}

/** A configuration problem, with one line per variable naming what is wrong. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((line) => `  - ${line}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/**
 * Validates the environment. Production refuses to start without LINE credentials, a database
 * and the data-protection keys; development fills the gaps with local mode and keys kept in DATA_DIR.
 */
export function loadConfig(source: NodeJS.ProcessEnv = process.env): Config {
  const parsed = environmentSchema.safeParse(blankToUndefined(source));
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map(describeIssue));
  const env = parsed.data;
  const production = env.NODE_ENV === "production";

  const problems: string[] = [];
  if (production) {
    for (const name of [
      "LINE_CHANNEL_SECRET",
      "LINE_CHANNEL_ACCESS_TOKEN",
      "MONGODB_URI",
      "DATA_ENCRYPTION_KEYS",
      "DATA_ENCRYPTION_KEY_ID",
      "PSEUDONYM_KEY",
      "PUBLIC_BASE_URL",
    ] as const) {
      if (!env[name]) problems.push(`${name}: required when NODE_ENV=production`);
    }
  }
  if (env.LINE_CHANNEL_ACCESS_TOKEN && !env.LINE_CHANNEL_SECRET) {
    problems.push("LINE_CHANNEL_SECRET: required when LINE_CHANNEL_ACCESS_TOKEN is set");
  }

  let keys: EncryptionKey[] = [];
  if (env.DATA_ENCRYPTION_KEYS) {
    const result = parseKeyRing(env.DATA_ENCRYPTION_KEYS);
    if (typeof result === "string") problems.push(`DATA_ENCRYPTION_KEYS: ${result}`);
    else keys = result;
  }
  if (
    env.DATA_ENCRYPTION_KEY_ID &&
    keys.length > 0 &&
    !keys.some((k) => k.id === env.DATA_ENCRYPTION_KEY_ID)
  ) {
    problems.push(
      `DATA_ENCRYPTION_KEY_ID: "${env.DATA_ENCRYPTION_KEY_ID}" is not one of DATA_ENCRYPTION_KEYS`,
    );
  }
  if (Boolean(env.DATA_ENCRYPTION_KEYS) !== Boolean(env.DATA_ENCRYPTION_KEY_ID)) {
    problems.push("DATA_ENCRYPTION_KEY_ID: set it together with DATA_ENCRYPTION_KEYS");
  }
  if (env.WORKERS > 1 && (!env.MONGODB_URI || !env.LINE_CHANNEL_ACCESS_TOKEN)) {
    problems.push(
      "WORKERS: more than 1 needs MONGODB_URI and LINE credentials (local mode runs in one process)",
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDir = path.resolve(env.DATA_DIR);
  const localLine = !env.LINE_CHANNEL_ACCESS_TOKEN;
  // Keys missing outside production: generate once and keep them in DATA_DIR so local data stays readable.
  const needsLocalSecrets =
    keys.length === 0 || !env.PSEUDONYM_KEY || (localLine && !env.LINE_CHANNEL_SECRET);
  const local = needsLocalSecrets ? loadOrCreateLocalSecrets(dataDir) : undefined;

  const currentKeyId = env.DATA_ENCRYPTION_KEY_ID ?? local!.encryptionKeyId;
  if (keys.length === 0)
    keys = [{ id: local!.encryptionKeyId, key: Buffer.from(local!.encryptionKey, "hex") }];

  return {
    env: env.NODE_ENV,
    port: env.PORT,
    workers: env.WORKERS,
    publicBaseUrl: env.PUBLIC_BASE_URL,
    logLevel: env.LOG_LEVEL,
    logPretty: env.LOG_PRETTY ?? false,
    localLine,
    embeddedStore: !env.MONGODB_URI,
    dataDir,
    embeddedDbPort: env.EMBEDDED_DB_PORT,
    line: {
      channelSecret: env.LINE_CHANNEL_SECRET ?? local!.channelSecret,
      channelAccessToken: env.LINE_CHANNEL_ACCESS_TOKEN ?? local!.channelAccessToken,
      apiBaseUrl: env.LINE_API_BASE_URL,
      dataApiBaseUrl: env.LINE_DATA_API_BASE_URL,
    },
    mongodbUri: env.MONGODB_URI,
    encryption: { keys, currentKeyId },
    pseudonymKey: env.PSEUDONYM_KEY ? decodeKey(env.PSEUDONYM_KEY)! : Buffer.from(local!.pseudonymKey, "hex"),
    webhookBodyLimit: env.WEBHOOK_BODY_LIMIT,
    inboxRetentionMs: env.INBOX_RETENTION,
    draftTtlMs: env.DRAFT_TTL,
    shutdownGraceMs: env.SHUTDOWN_GRACE,
    deadlines: { acknowledgeWithinMs: env.ACKNOWLEDGE_WITHIN, feedbackWithinMs: env.FEEDBACK_WITHIN },
    contactRetentionAfterCloseMs: env.CONTACT_RETENTION_AFTER_CLOSE,
    awarenessMulticastRate: env.AWARENESS_MULTICAST_RATE,
  };
}

/** `KEYID:KEY,KEYID:KEY` — several keys so old ciphertext stays readable after a rotation. */
function parseKeyRing(value: string): EncryptionKey[] | string {
  const keys: EncryptionKey[] = [];
  for (const entry of value.split(",").map((part) => part.trim())) {
    const separator = entry.indexOf(":");
    const id = entry.slice(0, separator);
    const key = decodeKey(entry.slice(separator + 1));
    if (separator < 1 || !/^[A-Za-z0-9_-]{1,32}$/.test(id))
      return `entry "${id || entry.slice(0, 8)}…" needs the form KEYID:KEY`;
    if (!key) return `key "${id}" must be 32 bytes, written as 64 hex characters or base64`;
    if (keys.some((k) => k.id === id)) return `key id "${id}" appears twice`;
    keys.push({ id, key });
  }
  return keys;
}

function describeIssue(issue: z.core.$ZodIssue): string {
  const name = issue.path.join(".") || "environment";
  return `${name}: ${issue.message}`;
}

/** `FOO=` in a .env file means "not set", as operators expect. */
function blankToUndefined(source: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(
    Object.entries(source).map(([name, value]) => [name, value === "" ? undefined : value]),
  );
}
