/** Ready-made things to send, so a demo needs no typing of coordinates or sticker ids. */

export interface LocationPreset {
  label: string;
  title: string;
  address: string;
  latitude: number;
  longitude: number;
}

export interface StickerPreset {
  /** What the page shows instead of the sticker image, which is LINE's and not available offline. */
  emoji: string;
  packageId: string;
  stickerId: string;
  keywords: string[];
}

/**
 * District seats in the pilot province (approximate). The bot resolves a location to the district of
 * the nearest sub-district point: all but one land on the named district; จอมทอง's seat, near the
 * Lamphun border where Chom Thong's points are sparse, resolves to เวียงหนองล่อง — the approximation
 * the bot's "ถูกต้องหรือไม่" question exists for (docs/GEOGRAPHY.md).
 */
export const CHIANG_MAI_LOCATIONS: readonly LocationPreset[] = [
  district("เมืองเชียงใหม่", "Mueang Chiang Mai", 18.7904, 98.9847),
  district("สันทราย", "San Sai", 18.8453, 99.0397),
  district("หางดง", "Hang Dong", 18.6869, 98.9194),
  district("แม่ริม", "Mae Rim", 18.9147, 98.9447),
  district("ดอยสะเก็ด", "Doi Saket", 18.8722, 99.1394),
  district("สันกำแพง", "San Kamphaeng", 18.7456, 99.12),
  district("จอมทอง", "Chom Thong", 18.419, 98.675),
  district("ฝาง", "Fang", 19.9167, 99.2167),
  district("อมก๋อย", "Omkoi", 17.7, 98.38),
];

function district(nameTh: string, nameEn: string, latitude: number, longitude: number): LocationPreset {
  return {
    label: `อ.${nameTh} (${nameEn})`,
    title: `ที่ว่าการอำเภอ${nameTh}`,
    address: `อำเภอ${nameTh} จังหวัดเชียงใหม่ ประเทศไทย`,
    latitude,
    longitude,
  };
}

/** LINE's free basic stickers (package 446 and 11537). */
export const STICKERS: readonly StickerPreset[] = [
  { emoji: "😀", packageId: "446", stickerId: "1988", keywords: ["Happy", "Smile"] },
  { emoji: "👍", packageId: "446", stickerId: "1989", keywords: ["OK", "Good"] },
  { emoji: "🙏", packageId: "11537", stickerId: "52002734", keywords: ["Thanks", "Please"] },
  { emoji: "😢", packageId: "446", stickerId: "2008", keywords: ["Sad", "Cry"] },
  { emoji: "😠", packageId: "446", stickerId: "2005", keywords: ["Angry"] },
  { emoji: "❓", packageId: "11537", stickerId: "52002744", keywords: ["Question", "What"] },
];
