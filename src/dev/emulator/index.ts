/**
 * The LINE emulator page of local mode: a browser chat with the bot as citizens, an officer and an
 * officer group, through the same path as production (signed webhooks from the fake platform in,
 * Messaging API calls out). Lives under src/dev, which production never loads.
 */
import express, { type Router } from "express";
import type { FakeLinePlatform } from "../line-platform";
import { createApiRouter } from "./api";
import { ChatDirectory, DEFAULT_CHATS, type EmulatorChatSpec } from "./chats";
import { LiveUpdates } from "./live-updates";
import { MediaStore } from "./media";
import { emulatorPage, type PageConfig } from "./page";
import { FAVICON_ICO } from "./favicon";
import { PAGE_SCRIPT } from "./page-script";
import { PAGE_STYLE } from "./page-style";
import { CHIANG_MAI_LOCATIONS, STICKERS, type LocationPreset } from "./presets";
import { ChatLogs } from "./transcript";

export interface EmulatorOptions {
  /** Where the page, its assets, events and API live; default "/dev/emulator". */
  basePath?: string;
  /** The sidebar's personas and groups; default three citizens (th, th, en), an officer and an officer group. */
  chats?: readonly EmulatorChatSpec[];
  /** The location picker's presets; default Chiang Mai district seats. */
  locations?: readonly LocationPreset[];
  /** Largest photo or file the page may upload; default 20 MB. */
  uploadLimitBytes?: number;
  /** How many uploads (by total size) are kept for the sender's own bubbles; default 100 MB. */
  mediaStoreBytes?: number;
  /** The user's messages kept per chat; default 1,000. */
  maxLogPerChat?: number;
  /** Stamps the user's messages; must be the platform's clock, since deliveries are merged by time. Default Date.now. */
  now?: () => number;
  /** Interval of SSE keep-alive comments; default 20 s. */
  keepAliveMs?: number;
}

export const DEFAULT_BASE_PATH = "/dev/emulator";
export const DEFAULT_UPLOAD_LIMIT_BYTES = 20 * 1024 * 1024;

/**
 * Routes, under `basePath`: `GET /` the page, `GET /assets/emulator.{js,css}`, `GET /events` (SSE),
 * and the JSON API under `/api` (see docs/EMULATOR.md). Mount it on the app that serves the platform.
 */
export function createEmulatorRouter(platform: FakeLinePlatform, options: EmulatorOptions = {}): Router {
  const basePath = (options.basePath ?? DEFAULT_BASE_PATH).replace(/\/+$/, "");
  const uploadLimitBytes = options.uploadLimitBytes ?? DEFAULT_UPLOAD_LIMIT_BYTES;
  const now = options.now ?? Date.now;
  const chats = new ChatDirectory(options.chats ?? DEFAULT_CHATS);
  for (const person of chats.people()) {
    platform.setProfile(person.userId, { displayName: person.title, language: person.language });
  }
  const live = new LiveUpdates(platform, options.keepAliveMs ?? 20_000);
  const api = createApiRouter({
    platform,
    chats,
    logs: new ChatLogs(options.maxLogPerChat ?? 1_000),
    media: new MediaStore(options.mediaStoreBytes ?? 100 * 1024 * 1024),
    live,
    now,
    uploadLimitBytes,
  });
  const config: PageConfig = {
    basePath,
    botUserId: platform.botUserId,
    callsUrl: "/dev/line/calls",
    uploadLimitBytes,
    locations: [...(options.locations ?? CHIANG_MAI_LOCATIONS)],
    stickers: [...STICKERS],
  };
  const html = emulatorPage(config);

  const router = express.Router();
  router.get(basePath, (_req, res) => {
    res.set(pageHeaders).type("html").send(html);
  });
  router.get(`${basePath}/assets/emulator.js`, (_req, res) => {
    res.set(pageHeaders).type("text/javascript").send(PAGE_SCRIPT);
  });
  router.get(`${basePath}/assets/emulator.css`, (_req, res) => {
    res.set(pageHeaders).type("text/css").send(PAGE_STYLE);
  });
  router.get(`${basePath}/events`, (req, res) => live.attach(req, res));
  // Browsers ask the site root for it, whatever the page's path.
  router.get("/favicon.ico", (_req, res) => {
    res.set("Cache-Control", "public, max-age=86400").type("image/x-icon").send(FAVICON_ICO);
  });
  router.use(`${basePath}/api`, api);
  return router;
}

/** The page runs only its own script; bot images may come from any HTTPS host. */
const pageHeaders = {
  "Cache-Control": "no-store",
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy":
    "default-src 'self'; img-src * data: blob:; media-src * data: blob:; style-src 'self'; script-src 'self'; frame-ancestors 'none'",
};

export type { EmulatorChatSpec, GroupSpec, PersonSpec } from "./chats";
export type { ChatSummary } from "./api";
export type { LocationPreset, StickerPreset } from "./presets";
export type { SentMessage, TimelineEntry } from "./transcript";
export { CHIANG_MAI_LOCATIONS, STICKERS } from "./presets";
export { DEFAULT_CHATS, stableId } from "./chats";
