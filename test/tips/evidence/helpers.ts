import { randomBytes } from "node:crypto";
import type { Readable } from "node:stream";
import sharp from "sharp";
import { createSealer, type Sealer } from "../../../src/crypto/sealer";
import { createLogger, type Logger } from "../../../src/log";

export function testSealer(): Sealer {
  return createSealer([{ id: "k1", key: randomBytes(32) }], "k1");
}

/** A logger whose JSON lines the test can search, e.g. for a message id that must not be there. */
export function capturedLogger(): { logger: Logger; output(): string } {
  const lines: string[] = [];
  const logger = createLogger({ level: "debug", destination: { write: (line: string) => lines.push(line) } });
  return { logger, output: () => lines.join("") };
}

export const chiangMai = { latitude: 18.783333333333335, longitude: 98.98333333333333 };

/** A phone photo as LINE would pass it on unchanged: GPS position, make and model, rotated by EXIF. */
export async function photoWithGps(options: { orientation?: number } = {}): Promise<Buffer> {
  const photo = sharp({
    create: { width: 64, height: 48, channels: 3, background: { r: 200, g: 30, b: 30 } },
  })
    .jpeg()
    .withExif({
      IFD0: { Make: "Acme", Model: "Phone 9" },
      IFD3: {
        GPSLatitudeRef: "N",
        GPSLatitude: "18/1 47/1 0/1",
        GPSLongitudeRef: "E",
        GPSLongitude: "98/1 59/1 0/1",
      },
    });
  return options.orientation
    ? photo.withMetadata({ orientation: options.orientation }).toBuffer()
    : photo.toBuffer();
}

export async function readAll(stream: Readable): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const part of stream) parts.push(part as Buffer);
  return Buffer.concat(parts);
}
