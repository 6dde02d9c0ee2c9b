import exifr from "exifr";
import sharp from "sharp";
import { stripImageMetadata } from "../../../src/tips/evidence/images";
import { photoWithGps } from "./helpers";

const maxPixels = 100_000_000;

async function strip(input: Buffer) {
  const result = await stripImageMetadata(input, maxPixels);
  if (!result.ok) throw new Error(`expected an image, got ${result.reason}`);
  return result;
}

describe("stripImageMetadata", () => {
  it("when a photo carries a GPS position, then the fixture really has one", async () => {
    expect(await exifr.gps(await photoWithGps())).toMatchObject({ latitude: expect.any(Number) });
  });

  it("when a photo carries a GPS position, then the re-encoded photo has none", async () => {
    const { bytes } = await strip(await photoWithGps());
    expect(await exifr.gps(bytes)).toBeUndefined();
  });

  it("when a photo names the camera, then the re-encoded photo carries no EXIF at all", async () => {
    const { bytes } = await strip(await photoWithGps());
    expect(await exifr.parse(bytes)).toBeUndefined();
  });

  it("when a photo is rotated by EXIF orientation, then the re-encoded pixels are upright", async () => {
    const { bytes } = await strip(await photoWithGps({ orientation: 6 }));
    const { width, height, orientation } = await sharp(bytes).metadata();
    expect({ width, height, orientation }).toEqual({ width: 48, height: 64, orientation: undefined });
  });

  it("when the image is a PNG screenshot, then it stays PNG", async () => {
    const png = await sharp({ create: { width: 8, height: 8, channels: 4, background: "#00000080" } })
      .png()
      .withExif({ IFD0: { Make: "Acme" } })
      .toBuffer();
    const result = await strip(png);
    expect([result.contentType, (await sharp(result.bytes).metadata()).format]).toEqual(["image/png", "png"]);
  });

  it("when the image is WebP, then it becomes JPEG", async () => {
    const webp = await sharp({ create: { width: 8, height: 8, channels: 3, background: "#336699" } })
      .webp()
      .toBuffer();
    expect((await strip(webp)).contentType).toBe("image/jpeg");
  });

  it("when the bytes are not an image, then the answer is not-an-image", async () => {
    expect(await stripImageMetadata(Buffer.from("%PDF-1.7 not a photo"), maxPixels)).toEqual({
      ok: false,
      reason: "not-an-image",
    });
  });

  it("when the image is an SVG, then it is refused rather than rendered", async () => {
    const svg = Buffer.from(
      '<svg xmlns="http://www.w3.org/2000/svg" width="8" height="8"><rect width="8" height="8"/></svg>',
    );
    expect(await stripImageMetadata(svg, maxPixels)).toEqual({ ok: false, reason: "not-an-image" });
  });

  it("when the image has more pixels than allowed, then the answer is too-many-pixels", async () => {
    expect(await stripImageMetadata(await photoWithGps(), 64 * 48 - 1)).toEqual({
      ok: false,
      reason: "too-many-pixels",
    });
  });
});
