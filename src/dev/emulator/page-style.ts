/** The page's stylesheet. Thai needs room above and below the line for vowels and tone marks. */
export const PAGE_STYLE = String.raw`
:root {
  --chat-bg: #8ca6c8;
  --bubble-bot: #ffffff;
  --bubble-user: #a8e27c;
  --line-green: #06c755;
  --ink: #111111;
  --muted: #6b7280;
  --sidebar: #1f2933;
  --sidebar-ink: #e5e7eb;
  --danger: #c62828;
  font-family: system-ui, -apple-system, "Segoe UI", "Noto Sans Thai UI", "Noto Sans Thai", "Leelawadee UI",
    "Sukhumvit Set", Thonburi, Tahoma, sans-serif;
  font-size: 15px;
  line-height: 1.55;
  color: var(--ink);
}
* { box-sizing: border-box; }
html, body { margin: 0; height: 100%; }
button, input, textarea, select { font: inherit; }
[hidden] { display: none !important; }

.app { display: grid; grid-template-columns: 290px 1fr; height: 100vh; height: 100dvh; }

.sidebar { background: var(--sidebar); color: var(--sidebar-ink); display: flex; flex-direction: column; min-height: 0; }
.banner { background: #ffd54f; color: #3e2700; padding: 10px 14px; display: flex; flex-direction: column; gap: 2px; }
.banner strong { font-size: 15px; }
.banner span { font-size: 12.5px; }
.chat-list { flex: 1; overflow-y: auto; padding: 6px 0; }
.chat-list h2 { font-size: 11.5px; text-transform: uppercase; letter-spacing: .06em; color: #9aa5b1; margin: 14px 14px 4px; }
.chat-item { display: grid; grid-template-columns: 36px 1fr auto; gap: 2px 10px; align-items: center; width: 100%;
  padding: 8px 14px; border: 0; background: none; color: inherit; text-align: left; cursor: pointer; }
.chat-item:hover { background: #2b3a48; }
.chat-item[aria-current="true"] { background: #334e68; }
.avatar { grid-row: span 2; width: 36px; height: 36px; border-radius: 50%; display: grid; place-items: center;
  font-weight: 700; color: #fff; background: #486581; }
.avatar.citizen { background: #2f855a; }
.avatar.officer { background: #2b6cb0; }
.avatar.group { background: #9c4221; }
.avatar.other { background: #616e7c; }
.chat-item .name { font-weight: 600; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.chat-item .preview { grid-column: 2 / 4; font-size: 12.5px; color: #9aa5b1; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; }
.badge { background: var(--line-green); color: #fff; border-radius: 10px; font-size: 11.5px; padding: 0 7px; font-weight: 700; }
.lang { font-size: 10.5px; border: 1px solid #627d98; border-radius: 4px; padding: 0 4px; margin-left: 6px; color: #bcccdc; }
.sidebar-foot { padding: 8px 14px; font-size: 12.5px; display: flex; gap: 8px; align-items: center; border-top: 1px solid #334e68; }
.sidebar-foot a { color: #9fb3c8; }
.connection { color: #e53e3e; }
.connection.live { color: #38a169; }

.chat { display: flex; flex-direction: column; min-width: 0; min-height: 0; background: var(--chat-bg); }
.top-bar { display: flex; background: #23303d; }
.chats-toggle { display: none; border: 0; background: none; color: #fff; font-size: 20px; padding: 0 12px; cursor: pointer; }
.scrim { display: none; }
.chat-head { background: #23303d; color: #fff; padding: 8px 16px; display: flex; gap: 12px; align-items: center; flex-wrap: wrap; flex: 1; min-width: 0; }
.chat-head .title { font-size: 17px; font-weight: 700; }
.chat-head .ids { font-size: 12px; color: #bcccdc; display: flex; gap: 10px; flex-wrap: wrap; }
.chat-head code { font-family: ui-monospace, Menlo, Consolas, monospace; background: #334e68; padding: 0 4px; border-radius: 3px; cursor: copy; }
.chat-head .actions { margin-left: auto; display: flex; gap: 6px; flex-wrap: wrap; }
.chat-head button, .chat-head select { background: #334e68; color: #fff; border: 1px solid #486581; border-radius: 6px; padding: 3px 10px; cursor: pointer; }
.chat-head button:hover { background: #486581; }

.messages { flex: 1; overflow-y: auto; padding: 16px 18px 8px; display: flex; flex-direction: column; gap: 6px; }
.day { align-self: center; background: rgba(0,0,0,.18); color: #fff; font-size: 12px; padding: 1px 10px; border-radius: 10px; margin: 8px 0; }
.row { display: flex; gap: 8px; align-items: flex-end; max-width: 100%; }
.row.user { flex-direction: row-reverse; }
.row .bot-avatar { width: 34px; height: 34px; border-radius: 50%; background: var(--line-green); color: #fff; display: grid;
  place-items: center; font-size: 13px; font-weight: 700; flex: none; align-self: flex-start; }
.row.continued .bot-avatar { visibility: hidden; }
.stack { display: flex; flex-direction: column; gap: 2px; min-width: 0; max-width: min(560px, 78%); }
.row.user .stack { align-items: flex-end; }
.stack.wide { max-width: calc(100% - 100px); }
.sender { font-size: 12px; color: #f0f4f8; }
.meta { font-size: 11px; color: #e6ebf1; white-space: nowrap; align-self: flex-end; padding-bottom: 2px; }
.via { background: rgba(0,0,0,.25); border-radius: 4px; padding: 0 4px; margin-right: 4px; }
.bubble { background: var(--bubble-bot); border-radius: 18px; padding: 8px 13px; white-space: pre-wrap; overflow-wrap: anywhere; }
.row.user .bubble { background: var(--bubble-user); }
.bubble a { color: #1a5fb4; }
.note { align-self: center; font-size: 12.5px; color: #243b53; background: rgba(255,255,255,.55); padding: 2px 12px; border-radius: 10px; max-width: 80%; text-align: center; }
.note.error { background: #ffe3e3; color: var(--danger); }
.note.postback { background: rgba(255,255,255,.35); font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 11.5px; }
.sticker { font-size: 64px; line-height: 1.1; text-align: center; }
.sticker small { display: block; font-size: 11px; color: #f0f4f8; }
.media { max-width: 260px; max-height: 320px; border-radius: 12px; display: block; background: #d9e2ec; }
.card { background: #fff; border-radius: 14px; overflow: hidden; min-width: 200px; max-width: 300px; }
.card .card-body { padding: 10px 14px; }
.card .card-title { font-weight: 700; }
.card .card-text { white-space: pre-wrap; color: #334e68; font-size: 14px; }
.card .card-actions { border-top: 1px solid #e4e7eb; display: flex; flex-direction: column; }
.card .card-actions.side { flex-direction: row; }
.card .card-actions button { border: 0; border-top: 1px solid #e4e7eb; background: none; color: #42659a; padding: 9px; cursor: pointer; flex: 1; }
.card .card-actions button:first-child { border-top: 0; }
.card .card-actions.side button + button { border-left: 1px solid #e4e7eb; }
.card img { width: 100%; display: block; object-fit: cover; aspect-ratio: 1.51; }
.carousel { display: flex; gap: 8px; overflow-x: auto; padding-bottom: 4px; max-width: 100%; align-items: flex-start; }
.placeholder { background: #f0f4f8; border: 1px dashed #9fb3c8; border-radius: 10px; padding: 8px 12px; color: #486581; font-size: 13px; }
.raw { font-size: 11px; max-height: 200px; overflow: auto; background: #f0f4f8; padding: 6px; border-radius: 6px; white-space: pre-wrap; }

.flex-bubble { background: #fff; border-radius: 16px; overflow: hidden; width: 300px; flex: none; display: flex; flex-direction: column; }
.flex-bubble.nano { width: 120px; } .flex-bubble.micro { width: 160px; } .flex-bubble.deca { width: 220px; }
.flex-bubble.hecto { width: 241px; } .flex-bubble.kilo { width: 260px; } .flex-bubble.giga { width: 386px; }
.flex-section { display: flex; flex-direction: column; }
.flex-header, .flex-body { padding: 14px 18px; }
.flex-footer { padding: 10px 14px 14px; }
.flex-hero { padding: 0; }
.flex-box { display: flex; min-width: 0; }
.flex-box.vertical { flex-direction: column; }
.flex-box.horizontal, .flex-box.baseline { flex-direction: row; }
.flex-box.baseline { align-items: baseline; }
.flex-text { min-width: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.flex-text.nowrap { white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.flex-separator { border: 0; background: #e4e7eb; flex: none; align-self: stretch; }
.flex-separator.in-vertical { height: 1px; } .flex-separator.in-horizontal { width: 1px; }
.flex-image { display: block; max-width: 100%; object-fit: cover; background: #eef2f6; }
.flex-image.missing { display: grid; place-items: center; color: #829ab1; font-size: 12px; text-align: center; padding: 4px; overflow: hidden; }
.flex-icon { height: 1em; width: auto; align-self: baseline; margin-right: 4px; }
.flex-button { border: 0; border-radius: 8px; cursor: pointer; padding: 0 12px; font-weight: 600; min-width: 0; }
.flex-button.primary { background: #17c950; color: #fff; }
.flex-button.secondary { background: #e8ebef; color: #111; }
.flex-button.link { background: none; color: #42659a; }
.tappable { cursor: pointer; }

.typing { display: flex; gap: 4px; padding: 0 0 6px 62px; }
.typing span { width: 8px; height: 8px; border-radius: 50%; background: #fff; animation: blink 1.2s infinite; }
.typing span:nth-child(2) { animation-delay: .2s; } .typing span:nth-child(3) { animation-delay: .4s; }
@keyframes blink { 0%, 80%, 100% { opacity: .3; } 40% { opacity: 1; } }

.quick-replies { display: flex; gap: 8px; overflow-x: auto; padding: 6px 16px; }
.quick-replies:empty { display: none; }
.quick-replies button { flex: none; border: 1px solid var(--line-green); background: #fff; color: #0b7a36; border-radius: 18px;
  padding: 5px 14px; cursor: pointer; white-space: nowrap; }
.quick-replies button:hover { background: #e6f9ee; }

.panel { background: #fff; border-top: 1px solid #d9e2ec; padding: 10px 16px; display: flex; flex-direction: column; gap: 8px; }
.panel h3 { margin: 0; font-size: 14px; }
.panel .presets { display: flex; flex-wrap: wrap; gap: 6px; }
.panel .presets button { border: 1px solid #bcccdc; background: #f0f4f8; border-radius: 14px; padding: 3px 10px; cursor: pointer; }
.panel .presets button.sticker-choice { font-size: 28px; padding: 2px 8px; }
.panel form, .panel .fields { display: flex; flex-wrap: wrap; gap: 6px; align-items: center; }
.panel input { border: 1px solid #bcccdc; border-radius: 6px; padding: 3px 8px; }
.panel input.coord { width: 150px; }
.panel .close { margin-left: auto; }
.panel-head { display: flex; align-items: center; gap: 8px; }
.panel button[type="submit"], .panel .primary { background: var(--line-green); color: #fff; border: 0; border-radius: 6px; padding: 4px 14px; cursor: pointer; }

.composer { display: flex; gap: 6px; align-items: flex-end; background: #fff; padding: 8px 12px; border-top: 1px solid #d9e2ec; }
.composer .tool { border: 0; background: none; font-size: 20px; cursor: pointer; padding: 4px; }
.composer textarea { flex: 1; resize: none; border: 1px solid #d9e2ec; border-radius: 18px; padding: 7px 14px; max-height: 160px; line-height: 1.5; }
.composer .send { background: var(--line-green); color: #fff; border: 0; border-radius: 18px; padding: 7px 18px; font-weight: 700; cursor: pointer; }
.composer .send:disabled { opacity: .5; }
.read-only { margin: 0; background: #fff; padding: 10px 16px; color: var(--muted); }

.rich-menu { background: #fff; border-top: 1px solid #d9e2ec; flex: none; }
.rich-menu-bar { display: block; width: 100%; border: 0; background: #fff; color: #243b53; padding: 6px 12px; font-size: 13.5px; cursor: pointer; }
.rich-menu-bar::after { content: " ▾"; }
.rich-menu-bar[aria-expanded="false"]::after { content: " ▴"; }
.rich-menu-body { position: relative; max-width: 720px; margin: 0 auto; }
.rich-menu-body[hidden] { display: none; }
.rich-menu-body img { display: block; width: 100%; height: auto; }
.rich-menu-areas { position: absolute; inset: 0; }
.rich-menu-areas button { position: absolute; border: 0; background: transparent; cursor: pointer; padding: 0; }
.rich-menu-areas button:hover, .rich-menu-areas button:focus-visible { background: rgba(6, 199, 85, .14); outline: 2px solid rgba(6, 199, 85, .6); outline-offset: -2px; }

.toast { position: fixed; top: 16px; left: 50%; transform: translateX(-50%); background: #243b53; color: #fff; padding: 8px 16px;
  border-radius: 8px; max-width: 80vw; box-shadow: 0 4px 14px rgba(0,0,0,.25); z-index: 10; }
.toast.error { background: var(--danger); }

/* Phones: the chat gets the screen; the chat list is a drawer behind the ☰ button. */
@media (max-width: 720px) {
  .app { grid-template-columns: 1fr; }
  .sidebar { position: fixed; inset: 0 auto 0 0; width: min(86vw, 320px); z-index: 20; transform: translateX(-100%);
    transition: transform .2s ease; box-shadow: 4px 0 16px rgba(0,0,0,.3); }
  .app.chats-open .sidebar { transform: none; }
  .app.chats-open .scrim { display: block; position: fixed; inset: 0; background: rgba(0,0,0,.35); z-index: 15; }
  .chats-toggle { display: block; }
  .chat-head { padding: 6px 10px 6px 0; gap: 8px; flex-wrap: nowrap; }
  .chat-head .title { font-size: 15px; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
  .chat-head .ids { display: none; }
  .chat-head .actions { flex-wrap: nowrap; overflow-x: auto; }
  .chat-head button, .chat-head select { font-size: 12px; padding: 2px 6px; white-space: nowrap; }
  .messages { padding: 10px 10px 6px; }
  .stack { max-width: 82%; }
  .composer { padding: 6px 8px; gap: 2px; }
  .composer .tool { font-size: 18px; padding: 2px; }
  .composer .send { padding: 6px 12px; }
}
`;
