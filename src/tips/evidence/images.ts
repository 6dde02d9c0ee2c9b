import sharp from "sharp";

export type StrippedImage =
  | { ok: true; bytes: Buffer; contentType: "image/jpeg" | "image/png" }
  | { ok: false; reason: "not-an-image" | "too-many-pixels" };

const decodable = new Set<string>(["jpeg", "png", "webp", "gif"]);

/**
 * Re-encodes a photo so nothing but pixels survives: EXIF (GPS, device make/model, serial numbers),
 * XMP, IPTC and ICC are dropped because the output is written without `withMetadata`. The EXIF
 * orientation is applied first, so the picture still looks the right way up. PNG stays PNG
 * (screenshots: lossless text, transparency); JPEG, WebP and GIF (first frame) become JPEG.
 */
export async function stripImageMetadata(input: Buffer, maxPixels: number): Promise<StrippedImage> {
  let metadata: sharp.Metadata;
  try {
    // The header alone tells format and size, so nothing unwanted or oversized is ever decoded.
    metadata = await sharp(input).metadata();
  } catch {
    return { ok: false, reason: "not-an-image" }; // sharp's message may quote file internals: keep only the verdict
  }
  if (!decodable.has(metadata.format)) return { ok: false, reason: "not-an-image" };
  if (metadata.width * (metadata.pageHeight ?? metadata.height) > maxPixels) {
    return { ok: false, reason: "too-many-pixels" };
  }
  try {
    // failOn "error": a photo truncated in transit still decodes (evidence is evidence); garbage does not.
    const upright = sharp(input, { limitInputPixels: maxPixels, failOn: "error" }).rotate();
    if (metadata.format === "png") {
      return { ok: true, bytes: await upright.png().toBuffer(), contentType: "image/png" };
    }
    const bytes = await upright.flatten({ background: "#ffffff" }).jpeg({ quality: 90 }).toBuffer();
    return { ok: true, bytes, contentType: "image/jpeg" };
  } catch {
    return { ok: false, reason: "not-an-image" }; // the header parsed but the pixels did not decode
  }
}
