import { createCipheriv, createDecipheriv, hkdfSync } from "node:crypto";
import type { Sealer } from "../crypto/sealer";

/** LINE user ids are "U" and 32 lowercase hex digits: the digits are exactly one AES block. */
const LINE_USER_ID = /^U[0-9a-f]{32}$/;
const BLOCK = 16;
/** `b1.<key id>.<one AES block, base64url>`; the key id picks the master key, as in the Sealer's v1. */
const PREFIX = "b1.";
/** One AES block in base64url, unpadded. */
const BLOCK_BASE64_LENGTH = 22;
/** `"U` + 32 hex digits + `"`. */
const ID_JSON_LENGTH = 35;
const HEX_DIGITS = Buffer.from("0123456789abcdef", "latin1");
/** base64url character code → its 6 bits, -1 for anything else. */
const BASE64URL = new Int8Array(128).fill(-1);
for (const [i, c] of [..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"].entries())
  BASE64URL[c.charCodeAt(0)] = i;

const NO_ENTRY = 0;
const BLOCK_ENTRY = 1;
const OTHER_ENTRY = 2;

/** A batch's user ids, opened: how many, and their JSON (`"U…","U…"`). */
export interface OpenedBatch {
  count: number;
  json: Buffer;
}

/**
 * The sealed user ids of one multicast batch, in order, as the cursor finds them. A value in block
 * form under the batch's key id (the first one it sees: one unless a key rotation is under way) is
 * decoded from base64url straight into the batch's cipher input; anything else is kept as a string
 * and opened on its own (UserIdSeal.openBatch).
 */
export class SealedBatch {
  size = 0;
  readonly blocks: Buffer;
  readonly kinds: Uint8Array;
  readonly others: Array<string | undefined> = [];
  keyId: string | undefined;
  /** `b1.<key id>.` of the batch's key id, as bytes. */
  private prefix: Buffer | undefined;

  constructor(readonly capacity: number) {
    this.blocks = Buffer.alloc(capacity * BLOCK);
    this.kinds = new Uint8Array(capacity);
  }

  get full(): boolean {
    return this.size === this.capacity;
  }

  /** A sealed value as a string (absent: the entry is unreadable). */
  add(value: string | undefined): void {
    if (!value) {
      this.push(NO_ENTRY);
      return;
    }
    const bytes = Buffer.from(value, "utf8");
    this.addBytes(bytes, 0, bytes.length);
  }

  /** A sealed value at `start`..`end` of `bytes` (start < 0: absent). */
  addBytes(bytes: Buffer, start: number, end: number): void {
    if (this.size >= this.capacity) throw new RangeError("the batch is full");
    if (start < 0) return this.push(NO_ENTRY);
    const dot = end - BLOCK_BASE64_LENGTH - 1; // where the key id ends, in block form
    const blockForm =
      dot > start + PREFIX.length &&
      bytes[start] === 0x62 &&
      bytes[start + 1] === 0x31 &&
      bytes[start + 2] === 0x2e &&
      bytes[dot] === 0x2e;
    if (blockForm && this.prefix === undefined) {
      this.keyId = bytes.toString("latin1", start + PREFIX.length, dot);
      this.prefix = Buffer.from(bytes.subarray(start, dot + 1));
    }
    if (
      blockForm &&
      this.hasPrefix(bytes, start, dot + 1) &&
      decodeBlock(bytes, dot + 1, this.blocks, this.size * BLOCK)
    )
      return this.push(BLOCK_ENTRY);
    this.others[this.size] = bytes.toString("utf8", start, end);
    this.push(OTHER_ENTRY);
  }

  private push(kind: number): void {
    this.kinds[this.size++] = kind;
  }

  private hasPrefix(bytes: Buffer, start: number, end: number): boolean {
    const prefix = this.prefix!;
    if (end - start !== prefix.length) return false;
    for (let i = 0; i < prefix.length; i++) if (bytes[start + i] !== prefix[i]) return false;
    return true;
  }
}

/** 22 base64url characters at `at` → 16 bytes at `target[offset]`; false when one is not base64url. */
function decodeBlock(bytes: Buffer, at: number, target: Buffer, offset: number): boolean {
  let bits = 0;
  let held = 0;
  let out = offset;
  for (let i = 0; i < BLOCK_BASE64_LENGTH; i++) {
    const code = bytes[at + i]!;
    const value = code < 128 ? BASE64URL[code]! : -1;
    if (value < 0) return false;
    bits = (bits << 6) | value;
    held += 6;
    if (held >= 8) {
      held -= 8;
      target[out++] = (bits >> held) & 0xff;
    }
  }
  return out - offset === BLOCK;
}

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

  /**
   * A batch's user ids, opened with one cipher call and written as the JSON of a multicast's `to`
   * list (`"U…","U…"`, without the brackets): the hex digits go from the deciphered bytes straight
   * into the request body, with no string per recipient. Unreadable entries are left out.
   */
  openBatch(batch: SealedBatch): OpenedBatch {
    const { size, kinds, blocks } = batch;
    const key = batch.keyId === undefined ? undefined : this.blockKeyOrUndefined(batch.keyId);
    let plain: Buffer | undefined;
    if (key) {
      const decipher = createDecipheriv("aes-256-ecb", key, null).setAutoPadding(false);
      plain = Buffer.concat([decipher.update(blocks.subarray(0, size * BLOCK)), decipher.final()]);
    }
    // Entries not in the batch's block form (another key id, GCM, not a LINE id) open one by one.
    const others = new Map<number, Buffer>();
    let count = 0;
    let length = 0;
    for (let i = 0; i < size; i++) {
      if (kinds[i] === BLOCK_ENTRY && plain) {
        count++;
        length += ID_JSON_LENGTH;
      } else if (kinds[i] === OTHER_ENTRY) {
        const id = this.openMany([batch.others[i]])[0];
        if (id === undefined) continue;
        const json = Buffer.from(JSON.stringify(id));
        others.set(i, json);
        count++;
        length += json.length;
      }
    }
    const json = Buffer.allocUnsafe(length + Math.max(0, count - 1));
    let at = 0;
    for (let i = 0; i < size; i++) {
      const other = others.get(i);
      const isBlock = kinds[i] === BLOCK_ENTRY && plain !== undefined;
      if (!isBlock && !other) continue;
      if (at > 0) json[at++] = 0x2c; // ,
      if (other) {
        at += other.copy(json, at);
        continue;
      }
      json[at++] = 0x22; // "
      json[at++] = 0x55; // U
      for (let b = i * BLOCK, last = b + BLOCK; b < last; b++) {
        const byte = plain![b]!;
        json[at++] = HEX_DIGITS[byte >> 4]!;
        json[at++] = HEX_DIGITS[byte & 15]!;
      }
      json[at++] = 0x22;
    }
    return { count, json };
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
