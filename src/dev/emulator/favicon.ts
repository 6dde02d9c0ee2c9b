/**
 * The emulator's favicon, so browsers stop asking /favicon.ico for a 404 on every load: a 32 × 32 PNG
 * (a white T on LINE green) wrapped in an ICO container, which every browser reads.
 */
const png = Buffer.from(
  "iVBORw0KGgoAAAANSUhEUgAAACAAAAAgCAMAAABEpIrGAAAAXVBMVEVMaXEGxlQFxlUGxlULxVEGx1UGx1UGx1UGyFUGxlUGxlQFxlUAzFkFxlQGx1MGx1UFx1UGx1QAwlUGxlQGxlT///8Gx1Unzmyb6bsNyVo903rx/PaR5rSp7MSX57h2UNwgAAAAFXRSTlMA8YTwFvPO8lT+9IMUglLPgc0VVdDqxe1rAAAACXBIWXMAAAsTAAALEwEAmpwYAAAApElEQVQ4jeWTyQ6CQBBECwRm2GTRLtn//zMJRExAptWz71qvJ53OFAAEfpHwjSRKA6zcDB0Yu+axKydjCwTO+QWvhq/lZI67LkQIdcFAz8mvhfZxoN0LXS8H+m4nDMdcZPjtBT53GEXG0x02GpGGO/5TmEQmVej67cQOge124pegfmrSQ6ELEVJdKD8U55IBVqvedSmn9Zzzaw7UeXVSn7AqMwAzlQ1Tww0/CxkAAAAASUVORK5CYII=",
  "base64",
);

/** ICONDIR (one image) + ICONDIRENTRY + the PNG: ICO files may embed PNG data since Windows Vista. */
function icoOf(image: Buffer, size: number): Buffer {
  const header = Buffer.alloc(6 + 16);
  header.writeUInt16LE(0, 0); // reserved
  header.writeUInt16LE(1, 2); // type: icon
  header.writeUInt16LE(1, 4); // one image
  header.writeUInt8(size, 6);
  header.writeUInt8(size, 7);
  header.writeUInt8(0, 8); // no palette
  header.writeUInt8(0, 9);
  header.writeUInt16LE(1, 10); // colour planes
  header.writeUInt16LE(32, 12); // bits per pixel
  header.writeUInt32LE(image.length, 14);
  header.writeUInt32LE(header.length, 18);
  return Buffer.concat([header, image]);
}

export const FAVICON_ICO = icoOf(png, 32);
