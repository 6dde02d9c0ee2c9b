import { randomBytes } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export interface LocalSecrets {
  channelSecret: string;
  channelAccessToken: string;
  encryptionKeyId: string;
  encryptionKey: string;
  pseudonymKey: string;
}

/**
 * Local mode needs keys like production does, but a newcomer has none. They are generated on the
 * first run and kept in DATA_DIR (mode 0600) so the demo data encrypted with them stays readable.
 */
export function loadOrCreateLocalSecrets(dataDir: string): LocalSecrets {
  const file = path.join(dataDir, "local-secrets.json");
  if (fs.existsSync(file)) return JSON.parse(fs.readFileSync(file, "utf8")) as LocalSecrets;

  const secrets: LocalSecrets = {
    channelSecret: randomBytes(16).toString("hex"),
    channelAccessToken: `local-${randomBytes(24).toString("hex")}`,
    encryptionKeyId: "local1",
    encryptionKey: randomBytes(32).toString("hex"),
    pseudonymKey: randomBytes(32).toString("hex"),
  };
  fs.mkdirSync(dataDir, { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  fs.renameSync(temporary, file);
  return secrets;
}
