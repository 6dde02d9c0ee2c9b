/** The page's HTML shell; the script (page-script.ts) fills it from the JSON API. */
import type { LocationPreset, StickerPreset } from "./presets";

/** What the script needs to know, embedded as JSON so that the page needs no extra request to start. */
export interface PageConfig {
  basePath: string;
  botUserId: string;
  callsUrl: string;
  uploadLimitBytes: number;
  locations: LocationPreset[];
  stickers: StickerPreset[];
}

const escapeHtml = (text: string): string => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);

/** JSON inside <script>: "<" escaped so no value can close the element. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, "\\u003c");

export function emulatorPage(config: PageConfig): string {
  const base = escapeHtml(config.basePath);
  return `<!doctype html>
<html lang="th">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Integrity Tipline · LINE emulator (local)</title>
<link rel="icon" href="/favicon.ico" type="image/x-icon">
<link rel="stylesheet" href="${base}/assets/emulator.css">
<script type="application/json" id="emulator-config">${scriptJson(config)}</script>
<script src="${base}/assets/emulator.js" defer></script>
</head>
<body>
<div class="app" id="app">
  <aside class="sidebar">
    <div class="banner" role="note" lang="en">
      <strong>Local emulator — not LINE</strong>
      <span lang="th">โปรแกรมจำลองสำหรับนักพัฒนา ไม่ใช่ LINE จริง</span>
    </div>
    <nav id="chat-list" class="chat-list" aria-label="Chats"></nav>
    <footer class="sidebar-foot" lang="en">
      <span id="connection" class="connection" title="Live updates">●</span>
      <a href="${escapeHtml(config.callsUrl)}" target="_blank" rel="noopener">Messaging API calls (JSON)</a>
    </footer>
  </aside>
  <div class="scrim" id="scrim" hidden></div>
  <main class="chat" id="chat">
    <div class="top-bar">
      <button type="button" class="chats-toggle" id="chats-toggle" aria-controls="chat-list" aria-expanded="false" title="Chats">☰</button>
      <header class="chat-head" id="chat-head"></header>
    </div>
    <div class="messages" id="messages" role="log" aria-live="polite"></div>
    <div class="typing" id="typing" hidden aria-label="The bot is typing"><span></span><span></span><span></span></div>
    <div class="quick-replies" id="quick-replies" aria-label="Quick replies"></div>
    <section class="panel" id="panel" hidden></section>
    <form class="composer" id="composer" autocomplete="off">
      <button type="button" class="tool" id="tool-photo" title="Send a photo, video or voice file" aria-label="Photo">📷</button>
      <button type="button" class="tool" id="tool-file" title="Send a file" aria-label="File">📎</button>
      <button type="button" class="tool" id="tool-location" title="Send a location" aria-label="Location">📍</button>
      <button type="button" class="tool" id="tool-sticker" title="Send a sticker" aria-label="Sticker">😊</button>
      <textarea id="text" rows="1" placeholder="Aa — Enter ส่ง, Shift+Enter ขึ้นบรรทัดใหม่" aria-label="Message"></textarea>
      <button type="submit" class="send" id="send">ส่ง</button>
      <input type="file" id="photo-input" accept="image/*,video/*,audio/*" multiple hidden>
      <input type="file" id="file-input" hidden>
    </form>
    <p class="read-only" id="read-only" hidden lang="en">Read-only: the bot sent messages to this LINE id, which is not one of the emulator's personas.</p>
    <section class="rich-menu" id="rich-menu" hidden aria-label="Rich menu">
      <button type="button" class="rich-menu-bar" id="rich-menu-bar" aria-expanded="true"></button>
      <div class="rich-menu-body" id="rich-menu-body">
        <img id="rich-menu-image" alt="">
        <div class="rich-menu-areas" id="rich-menu-areas"></div>
      </div>
    </section>
  </main>
</div>
<div class="toast" id="toast" role="status" aria-live="polite" hidden></div>
</body>
</html>
`;
}
