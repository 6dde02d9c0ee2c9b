import type { EvidenceKind, EvidenceLimits } from "./types";

const MiB = 1024 * 1024;

/**
 * What a citizen may attach as a "file". Documents, spreadsheets and slides (incl. OpenDocument),
 * plain text and CSV, zip archives, still images (re-encoded like photos, so their GPS goes too) and
 * the audio/video formats phones record in — a recorded conversation sent as a file is typical evidence.
 * Left out on purpose: executables and scripts, HTML/SVG (active content an officer's browser might run),
 * HEIC (sharp cannot decode it, so its location data could not be stripped), rar/7z (no use we know of).
 */
export const defaultAllowedFileTypes: readonly string[] = [
  "application/pdf",
  "text/plain",
  "text/csv",
  "application/msword",
  "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  "application/vnd.ms-excel",
  "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  "application/vnd.ms-powerpoint",
  "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  "application/vnd.oasis.opendocument.text",
  "application/vnd.oasis.opendocument.spreadsheet",
  "application/vnd.oasis.opendocument.presentation",
  "application/zip",
  "image/jpeg",
  "image/png",
  "image/webp",
  "image/gif",
  "audio/mpeg",
  "audio/mp4",
  "audio/aac",
  "audio/wav",
  "audio/ogg",
  "video/mp4",
  "video/quicktime",
];

export const defaultEvidenceLimits: EvidenceLimits = {
  imageMaxBytes: 20 * MiB,
  mediaMaxBytes: 100 * MiB,
  allowedFileTypes: [...defaultAllowedFileTypes],
  preparingRetries: 3,
  preparingDelayMs: 2000,
  imageMaxPixels: 100_000_000,
};

/** Types sharp re-encodes; anything else claiming to be an image is refused rather than stored unstripped. */
export const strippableImageTypes: readonly string[] = ["image/jpeg", "image/png", "image/webp", "image/gif"];

const aliases: Record<string, string> = {
  "image/jpg": "image/jpeg",
  "image/pjpeg": "image/jpeg",
  "audio/x-m4a": "audio/mp4",
  "audio/m4a": "audio/mp4",
  "audio/mp3": "audio/mpeg",
  "audio/x-wav": "audio/wav",
  "audio/wave": "audio/wav",
  "application/x-zip-compressed": "application/zip",
};

const byExtension: Record<string, string> = {
  pdf: "application/pdf",
  txt: "text/plain",
  csv: "text/csv",
  doc: "application/msword",
  docx: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
  xls: "application/vnd.ms-excel",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
  ppt: "application/vnd.ms-powerpoint",
  pptx: "application/vnd.openxmlformats-officedocument.presentationml.presentation",
  odt: "application/vnd.oasis.opendocument.text",
  ods: "application/vnd.oasis.opendocument.spreadsheet",
  odp: "application/vnd.oasis.opendocument.presentation",
  zip: "application/zip",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  png: "image/png",
  webp: "image/webp",
  gif: "image/gif",
  mp3: "audio/mpeg",
  m4a: "audio/mp4",
  aac: "audio/aac",
  wav: "audio/wav",
  ogg: "audio/ogg",
  mp4: "video/mp4",
  mov: "video/quicktime",
};

const unspecific = new Set(["", "application/octet-stream", "binary/octet-stream"]);

/** "Image/JPG; charset=x" → "image/jpeg": the header is compared and stored in one spelling. */
export function normalizeContentType(header: string | undefined): string {
  const bare = (header ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  return aliases[bare] ?? bare;
}

/** LINE's header when it says something, else the file name's extension (files often arrive as octet-stream). */
export function resolveFileType(header: string | undefined, fileName: string | undefined): string {
  const reported = normalizeContentType(header);
  if (!unspecific.has(reported)) return reported;
  const extension = /\.([A-Za-z0-9]{1,5})$/.exec(fileName ?? "")?.[1]?.toLowerCase();
  return (extension && byExtension[extension]) || "application/octet-stream";
}

/** How a download is handled once its type is known. */
export type StoragePlan = { mode: "image" } | { mode: "stream"; contentType: string } | { mode: "refuse" };

/**
 * Photos (and images sent as files) are re-encoded; video and audio are stored as LINE reports them
 * (LINE transcodes these itself); files must be on the allow-list.
 */
export function planStorage(
  kind: EvidenceKind,
  header: string | undefined,
  fileName: string | undefined,
  allowedFileTypes: readonly string[],
): StoragePlan {
  switch (kind) {
    case "image":
      return { mode: "image" }; // sharp decides from the bytes what they are, not the header
    case "video":
    case "audio": {
      const type = normalizeContentType(header);
      if (type.startsWith(`${kind}/`) || unspecific.has(type)) {
        return { mode: "stream", contentType: type || "application/octet-stream" };
      }
      return { mode: "refuse" };
    }
    case "file": {
      const type = resolveFileType(header, fileName);
      if (!allowedFileTypes.includes(type)) return { mode: "refuse" };
      return strippableImageTypes.includes(type) ? { mode: "image" } : { mode: "stream", contentType: type };
    }
  }
}
