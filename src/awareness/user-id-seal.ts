import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import type { Sealer } from "../crypto/sealer";

/** LINE user ids are "U" and 32 lowercase hex digits: the digits are exactly one AES block. */
const LINE_USER_ID = /^U[0-9a-f]{32}$/;
const BLOCK = 16;
/** `b1.<key id>.<one AES block, base64url>`; the key id picks the master key, as in the Sealer's v1. */
const PREFIX = "b1.";

/**
 * Seals subscribers' LINE user ids so that a whole multicast batch opens with one cipher call.
 *
 * Why not the Sealer's AES-GCM: delivery opens up to 100,000 ids a second at LINE's rate, and GCM
 * needs a cipher object per value (about 10–20 µs each here, most of the delivery's CPU). A LINE
 * user id's 32 hex digits are exactly 16 bytes, so they are enciphered as one AES-256 block under a
 * key derived (HKDF) from the master key for this field only; ECB over a batch is 500 independent
 * block decryptions in one call (well under 1 µs per id).
 *
 * What this keeps and what it gives up (docs/AWARENESS.md, "Subscribers and anonymity"): the id is
 * still unreadable without the key, in the database, its backups and its logs. The encryption is
 * deterministic — the same id gives the same value — which reveals only which records belong to
 * the same person, exactly what the record's `_id` (a keyed pseudonym of the same id) already
 * reveals; the key is used for nothing else, so values cannot be compared with any other field or
 * collection. A block cipher is not malleable: a changed value opens to an unrelated random id
 * rather than a chosen one, and there is no tag, so such a value is sent to a non-existent user
 * instead of being skipped. Ids that are not in LINE's format, and values sealed before this
 * scheme (AES-GCM, `v1.`), go through the Sealer as before and still open.
 */
export class UserIdSeal {
  private readonly blockKeys = new Map<string, Buffer>();

  constructor(
    private readonly sealer: Sealer,
    private readonly context: string,
  ) {}

  seal(userId: string): string {
    if (!LINE_USER_ID.test(userId)) return this.sealer.seal(userId, this.context);
    const keyId = this.sealer.currentKeyId;
    const cipher = createCipheriv("aes-256-ecb", this.blockKey(keyId), null).setAutoPadding(false);
    const block = Buffer.concat([cipher.update(Buffer.from(userId.slice(1), "hex")), cipher.final()]);
    return `${PREFIX}${keyId}.${block.toString("base64url")}`;
  }

  /**
   * The user ids of a batch of sealed values, in order, leaving out those that cannot be opened
   * (absent, malformed, a retired key, a GCM value that fails authentication).
   */
  openMany(values: ReadonlyArray<string | undefined>): string[] {
    const opened: Array<string | undefined> = new Array<string | undefined>(values.length);
    // Block values grouped by key id (one group unless a rotation is under way), each opened in one call.
    const groups = new Map<string, number[]>();
    values.forEach((value, index) => {
      if (!value) return;
      if (!value.startsWith(PREFIX)) {
        opened[index] = this.openWithSealer(value);
        return;
      }
      const keyId = value.slice(PREFIX.length, value.lastIndexOf("."));
      let group = groups.get(keyId);
      if (!group) groups.set(keyId, (group = []));
      group.push(index);
    });
    for (const [keyId, indexes] of groups) this.openBlocks(keyId, indexes, values, opened);
    return opened.filter((id): id is string => id !== undefined);
  }

  private openBlocks(
    keyId: string,
    indexes: number[],
    values: ReadonlyArray<string | undefined>,
    opened: Array<string | undefined>,
  ): void {
    const key = this.blockKeyOrUndefined(keyId);
    if (!key) return;
    const blocks = Buffer.alloc(indexes.length * BLOCK);
    const readable = indexes.map((index, i) => {
      const encoded = values[index]!.slice(PREFIX.length + keyId.length + 1);
      return encoded.length === 22 && blocks.write(encoded, i * BLOCK, BLOCK, "base64url") === BLOCK;
    });
    const decipher = createDecipheriv("aes-256-ecb", key, null).setAutoPadding(false);
    const plain = Buffer.concat([decipher.update(blocks), decipher.final()]);
    indexes.forEach((index, i) => {
      if (readable[i]) opened[index] = `U${plain.toString("hex", i * BLOCK, (i + 1) * BLOCK)}`;
    });
  }

  private openWithSealer(value: string): string | undefined {
    try {
      return this.sealer.openText(value, this.context);
    } catch {
      return undefined;
    }
  }

  private blockKeyOrUndefined(keyId: string): Buffer | undefined {
    try {
      return this.blockKey(keyId);
    } catch {
      return undefined; // a key id not (or no longer) in the ring
    }
  }

  private blockKey(keyId: string): Buffer {
    let key = this.blockKeys.get(keyId);
    if (!key) {
      // The HKDF info names the field: the block key belongs to it alone, nothing else opens under it.
      const info = `integrity-tipline ${this.context} aes-256 block v1`;
      key = Buffer.from(hkdfSync("sha256", this.sealer.keyFor(keyId), Buffer.alloc(0), info, 32));
      this.blockKeys.set(keyId, key);
    }
    return key;
  }
}
