/**
 * Uploads from the page: which LINE message kind a file becomes, and a bounded copy of the bytes so
 * the user's own bubble can show the photo (the platform keeps the bot-facing copy).
 */
import { randomUUID } from "node:crypto";

export type MediaKind = "image" | "video" | "audio" | "file";

/** Photos, videos and voice messages travel as media in LINE; anything else (or "send as file") as a file. */
export function mediaKindOf(contentType: string, asFile: boolean): MediaKind {
  if (asFile) return "file";
  if (contentType.startsWith("image/")) return "image";
  if (contentType.startsWith("video/")) return "video";
  if (contentType.startsWith("audio/")) return "audio";
  return "file";
}

/** "image/png; charset=x" → "image/png"; missing → application/octet-stream. */
export function bareContentType(header: string | undefined): string {
  const type = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return /^[\w.+-]+\/[\w.+-]+$/.test(type) ? type : "application/octet-stream";
}

/** The browser sends the name URI-encoded (headers are Latin-1; Thai names are not). Paths are dropped. */
export function fileNameFrom(header: string | undefined): string {
  let name = header ?? "";
  try {
    name = decodeURIComponent(name);
  } catch {
    // not encoded: keep it as sent
  }
  const withoutPath = name.split(/[\\/]/).pop() ?? "";
  name = [...withoutPath]
    .filter((char) => char >= " " && char !== "\u007f")
    .join("")
    .trim()
    .slice(0, 200);
  return name === "" ? "file" : name;
}

interface StoredMedia {
  bytes: Buffer;
  contentType: string;
}

/** Keeps the most recent uploads up to a total size, oldest evicted first. */
export class MediaStore {
  private readonly items = new Map<string, StoredMedia>();
  private totalBytes = 0;

  constructor(private readonly maxTotalBytes: number) {}

  /** Returns the id to fetch it by, or undefined when it alone is bigger than the store. */
  put(bytes: Buffer, contentType: string): string | undefined {
    if (bytes.length > this.maxTotalBytes) return undefined;
    const id = randomUUID();
    this.items.set(id, { bytes, contentType });
    this.totalBytes += bytes.length;
    for (const [oldId, old] of this.items) {
      if (this.totalBytes <= this.maxTotalBytes) break;
      this.items.delete(oldId);
      this.totalBytes -= old.bytes.length;
    }
    return id;
  }

  get(id: string): StoredMedia | undefined {
    return this.items.get(id);
  }
}
