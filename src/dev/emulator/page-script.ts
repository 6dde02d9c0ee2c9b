/**
 * The page's script: plain browser JavaScript served as /assets/emulator.js (no bundler, no framework).
 * Kept in a String.raw literal, so it must contain no backtick and no dollar-brace sequence;
 * a test parses it to catch a slip. Everything the bot sends is put into the page with textContent
 * or as element properties, never as HTML.
 */
export const PAGE_SCRIPT = String.raw`
(function () {
  "use strict";

  var config = JSON.parse(document.getElementById("emulator-config").textContent);
  var API = config.basePath + "/api";

  var state = {
    chats: [],
    currentId: null,
    entries: [],
    renderedKeys: [],
    // Bot messages seen per chat; what was there when the page opened counts as seen.
    seen: null,
    loadSeq: 0,
    refreshTimer: null,
    typingTimer: null,
    stickToBottom: true,
    // The view follows the newest message until the user scrolls up; late images keep it there.
    pinned: true,
    autoScrollTop: 0,
    richMenu: null,
    richMenuOpen: true,
    richMenuSeq: 0,
  };

  // ---------- small helpers ----------

  function $(id) {
    return document.getElementById(id);
  }

  /** Builds an element: props are set as properties ("text" → textContent, "on…" → listeners). */
  function h(tag, props, children) {
    var node = document.createElement(tag);
    Object.keys(props || {}).forEach(function (key) {
      var value = props[key];
      if (value === undefined || value === null) return;
      if (key === "text") node.textContent = value;
      else if (key.slice(0, 2) === "on") node.addEventListener(key.slice(2), value);
      else if (key.indexOf("-") >= 0) node.setAttribute(key, value);
      else node[key] = value;
    });
    append(node, children);
    return node;
  }

  function append(node, children) {
    if (children === undefined || children === null) return;
    (Array.isArray(children) ? children : [children]).forEach(function (child) {
      if (child === undefined || child === null || child === false) return;
      node.appendChild(typeof child === "string" ? document.createTextNode(child) : child);
    });
  }

  function currentChat() {
    return state.chats.find(function (chat) {
      return chat.id === state.currentId;
    });
  }

  function formatBytes(n) {
    if (n < 1024) return n + " B";
    if (n < 1024 * 1024) return (n / 1024).toFixed(0) + " KB";
    return (n / 1024 / 1024).toFixed(1) + " MB";
  }

  function timeOf(at) {
    return new Date(at).toLocaleTimeString("th-TH", { hour: "2-digit", minute: "2-digit" });
  }

  function dayOf(at) {
    return new Date(at).toLocaleDateString("th-TH", { weekday: "short", day: "numeric", month: "short", year: "numeric" });
  }

  var toastTimer = null;
  function toast(message, isError) {
    var node = $("toast");
    node.textContent = message;
    node.className = "toast" + (isError ? " error" : "");
    node.hidden = false;
    clearTimeout(toastTimer);
    toastTimer = setTimeout(function () {
      node.hidden = true;
    }, isError ? 7000 : 3000);
  }

  /** Text with its URLs as links, like LINE shows them. */
  function linkified(text) {
    var parts = [];
    var pattern = /https?:\/\/[^\s<>"']+/g;
    var last = 0;
    var match;
    while ((match = pattern.exec(text)) !== null) {
      var url = match[0].replace(/[.,;:!?)\]]+$/, "");
      parts.push(text.slice(last, match.index));
      parts.push(h("a", { href: url, target: "_blank", rel: "noopener noreferrer", text: url }));
      last = match.index + url.length;
      pattern.lastIndex = last;
    }
    parts.push(text.slice(last));
    return parts;
  }

  /** Bot media lives on the internet, which local mode may not reach: say where it would come from. */
  function hostOf(url) {
    try {
      return new URL(url).host + " (not loaded)";
    } catch (error) {
      return "image (no valid URL)";
    }
  }

  function placeholder(text) {
    return h("div", { className: "placeholder", text: text });
  }

  // ---------- talking to the server ----------

  function api(method, path, body, headers) {
    var init = { method: method, headers: headers || {} };
    if (body !== undefined) {
      if (body instanceof Blob) init.body = body;
      else {
        init.body = JSON.stringify(body);
        init.headers["content-type"] = "application/json";
      }
    }
    return fetch(API + path, init).then(function (response) {
      return response.json().then(
        function (json) {
          if (!response.ok) throw new Error(json.error || "HTTP " + response.status);
          return json;
        },
        function () {
          throw new Error("HTTP " + response.status);
        },
      );
    });
  }

  function chatPath(chat, action) {
    return "/chats/" + encodeURIComponent(chat.id) + "/" + action;
  }

  /** Every send: the server makes the fake LINE post a signed webhook; the bot's answer arrives by SSE. */
  function send(action, body, headers) {
    var chat = currentChat();
    if (!chat || chat.readOnly) return Promise.resolve();
    state.stickToBottom = true;
    closePanel();
    return api("POST", chatPath(chat, action), body, headers)
      .catch(function (error) {
        toast(error.message, true);
      })
      .then(refreshSoon);
  }

  function sendText(text) {
    return send("text", { text: text });
  }

  function sendPostback(data, displayText, params) {
    var body = { data: data };
    if (displayText) body.displayText = displayText;
    if (params) body.params = params;
    return send("postback", body);
  }

  function sendLocation(location) {
    return send("location", location);
  }

  function upload(file, asFile) {
    if (file.size > config.uploadLimitBytes) {
      toast(file.name + " is larger than " + formatBytes(config.uploadLimitBytes), true);
      return Promise.resolve();
    }
    var headers = {
      "content-type": file.type || "application/octet-stream",
      "x-file-name": encodeURIComponent(file.name),
    };
    return send("media" + (asFile ? "?as=file" : ""), file, headers);
  }

  function loadChats() {
    return api("GET", "/chats").then(function (json) {
      state.chats = json.chats;
      if (state.seen === null) {
        state.seen = {};
        json.chats.forEach(function (chat) {
          state.seen[chat.id] = chat.botMessages;
        });
      }
      renderSidebar();
      renderHeader();
    });
  }

  function loadMessages() {
    var chat = currentChat();
    if (!chat) return Promise.resolve();
    var seq = ++state.loadSeq;
    return api("GET", chatPath(chat, "messages")).then(function (json) {
      if (seq !== state.loadSeq || json.chat.id !== state.currentId) return; // an older answer
      state.entries = json.messages;
      state.seen[json.chat.id] = json.chat.botMessages;
      renderMessages();
      renderSidebar();
    });
  }

  function refresh() {
    return loadChats()
      .then(loadMessages)
      .catch(function (error) {
        toast("Could not load: " + error.message, true);
      });
  }

  /** Coalesces bursts (a reply of five messages, several calls) into one fetch. */
  function refreshSoon() {
    clearTimeout(state.refreshTimer);
    state.refreshTimer = setTimeout(refresh, 60);
  }

  function selectChat(id) {
    if (!state.chats.some(function (chat) { return chat.id === id; })) return;
    state.currentId = id;
    state.entries = [];
    state.renderedKeys = [];
    state.stickToBottom = true;
    $("messages").replaceChildren();
    $("quick-replies").replaceChildren();
    hideTyping();
    closePanel();
    setChatsOpen(false);
    state.richMenu = null;
    state.richMenuOpen = true;
    renderRichMenu();
    loadRichMenu();
    if (location.hash.slice(1) !== id) history.replaceState(null, "", "#" + id);
    renderSidebar();
    renderHeader();
    loadMessages().catch(function (error) {
      toast(error.message, true);
    });
  }

  // ---------- sidebar and header ----------

  var SECTIONS = [
    { kind: "citizen", title: "Citizens · ประชาชน" },
    { kind: "officer", title: "Officers · เจ้าหน้าที่" },
    { kind: "group", title: "Officer groups · กลุ่มเจ้าหน้าที่" },
    { kind: "other", title: "Other recipients" },
  ];

  function renderSidebar() {
    var list = $("chat-list");
    list.replaceChildren();
    SECTIONS.forEach(function (section) {
      var chats = state.chats.filter(function (chat) {
        return chat.kind === section.kind;
      });
      if (chats.length === 0) return;
      list.appendChild(h("h2", { text: section.title }));
      chats.forEach(function (chat) {
        var unread = chat.id === state.currentId ? 0 : Math.max(0, chat.botMessages - (state.seen[chat.id] || 0));
        list.appendChild(
          h(
            "button",
            {
              type: "button",
              className: "chat-item",
              "aria-current": chat.id === state.currentId ? "true" : "false",
              title: chat.target,
              onclick: function () {
                selectChat(chat.id);
              },
            },
            [
              h("span", { className: "avatar " + chat.kind, text: Array.from(chat.title)[0] || "?" }),
              h("span", { className: "name" }, [chat.title, chat.language ? h("span", { className: "lang", text: chat.language }) : null]),
              unread > 0 ? h("span", { className: "badge", text: String(unread) }) : h("span"),
              h("span", { className: "preview", text: chat.lastPreview || "" }),
            ],
          ),
        );
      });
    });
  }

  function idChip(label, id) {
    return h("span", {}, [
      label + " ",
      h("code", {
        text: id,
        title: "Click to copy",
        onclick: function () {
          copyText(id);
        },
      }),
    ]);
  }

  function headerButton(text, title, onclick) {
    return h("button", { type: "button", text: text, title: title, onclick: onclick });
  }

  function renderHeader() {
    var chat = currentChat();
    var head = $("chat-head");
    head.replaceChildren();
    $("composer").hidden = !chat || chat.readOnly;
    $("read-only").hidden = !chat || !chat.readOnly;
    if (!chat) return;
    var ids = [];
    var actions = [];
    if (chat.kind === "citizen" || chat.kind === "officer") {
      ids.push(idChip("userId", chat.userId));
      actions.push(
        headerButton("Follow · เพิ่มเพื่อน", "Sends a follow event (add the bot as a friend)", function () {
          send("follow");
        }),
        headerButton("Block · บล็อก", "Sends an unfollow event", function () {
          send("unfollow");
        }),
      );
      var select = h(
        "select",
        {
          title: "Profile language (LINE app language)",
          onchange: function () {
            send("profile", { language: select.value });
          },
        },
        [h("option", { value: "th", text: "ไทย (th)" }), h("option", { value: "en", text: "English (en)" })],
      );
      select.value = chat.language;
      actions.push(select);
    } else if (chat.kind === "group") {
      ids.push(idChip("groupId", chat.groupId));
      ids.push(idChip("member " + chat.member.displayName, chat.member.userId));
      actions.push(
        headerButton("Add bot to group", "Sends a join event", function () {
          send("join");
        }),
        headerButton("Remove bot", "Sends a leave event", function () {
          send("leave");
        }),
      );
    } else {
      ids.push(idChip("to", chat.target));
    }
    head.appendChild(h("div", {}, [h("div", { className: "title", text: chat.title }), h("div", { className: "ids" }, ids)]));
    head.appendChild(h("div", { className: "actions" }, actions));
  }

  // ---------- the conversation ----------

  function renderMessages() {
    var box = $("messages");
    var entries = state.entries;
    var keys = entries.map(function (entry) {
      return JSON.stringify(entry);
    });
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    var stick = state.stickToBottom || nearBottom || state.pinned;
    state.stickToBottom = false;
    var same = box.dataset.empty !== "true" && state.renderedKeys.length <= keys.length &&
      state.renderedKeys.every(function (key, i) {
        return key === keys[i];
      });
    if (!same) {
      box.replaceChildren();
      state.renderedKeys = [];
      delete box.dataset.empty;
    }
    if (entries.length === 0) {
      box.dataset.empty = "true";
      box.replaceChildren(emptyHint());
    }
    for (var i = state.renderedKeys.length; i < entries.length; i++) {
      append(box, renderEntry(entries[i], entries[i - 1]));
    }
    if (entries.length > state.renderedKeys.length && entries[entries.length - 1].from === "bot") hideTyping();
    state.renderedKeys = keys;
    renderQuickReplies();
    if (stick) scrollToNewest();
  }

  function scrollToNewest() {
    var box = $("messages");
    box.scrollTop = box.scrollHeight;
    state.autoScrollTop = box.scrollTop;
    state.pinned = true;
  }

  function emptyHint() {
    var chat = currentChat();
    var text =
      chat && chat.kind === "group"
        ? "No messages yet. Press “Add bot to group”, then type (e.g. /enroll CODE)."
        : "No messages yet. Press “Follow”, or type สวัสดี / menu.";
    return h("div", { className: "note", text: text });
  }

  function renderEntry(entry, previous) {
    var nodes = [];
    if (!previous || dayOf(previous.at) !== dayOf(entry.at)) nodes.push(h("div", { className: "day", text: dayOf(entry.at) }));
    if (entry.from === "system") {
      nodes.push(h("div", { className: "note" + (entry.level === "error" ? " error" : ""), text: entry.text }));
    } else if (entry.from === "user") {
      nodes.push(renderUserEntry(entry));
    } else {
      var continued = previous && previous.from === "bot" && previous.at === entry.at;
      nodes.push(renderBotEntry(entry, continued));
    }
    return nodes;
  }

  function renderUserEntry(entry) {
    var message = entry.message;
    if (message.type === "postback" && !message.displayText) {
      var params = message.params ? " " + JSON.stringify(message.params) : "";
      return h("div", { className: "note postback", title: "Postback without displayText: LINE shows nothing", text: "postback → " + message.data + params });
    }
    var chat = currentChat();
    var sender = chat && chat.kind === "group" ? h("div", { className: "sender", text: entry.senderName }) : null;
    return h("div", { className: "row user" }, [
      h("div", { className: "stack" }, [sender, renderSent(message)]),
      h("div", { className: "meta", text: timeOf(entry.at) }),
    ]);
  }

  function mediaUrl(id) {
    return API + "/media/" + encodeURIComponent(id);
  }

  function renderSent(message) {
    switch (message.type) {
      case "text":
        return h("div", { className: "bubble" }, linkified(message.text));
      case "postback":
        return h("div", { className: "bubble", title: "postback: " + message.data, text: message.displayText });
      case "image":
        return message.mediaId
          ? h("img", { className: "media", src: mediaUrl(message.mediaId), alt: "Your photo" })
          : placeholder("🖼 Photo · " + formatBytes(message.size));
      case "video":
        return message.mediaId
          ? h("video", { className: "media", src: mediaUrl(message.mediaId), controls: true })
          : placeholder("🎬 Video · " + formatBytes(message.size));
      case "audio":
        return message.mediaId
          ? h("audio", { src: mediaUrl(message.mediaId), controls: true })
          : placeholder("🎤 Audio · " + formatBytes(message.size));
      case "file":
        return h("div", { className: "bubble" }, [
          "📄 ",
          message.mediaId
            ? h("a", { href: mediaUrl(message.mediaId), text: message.fileName, download: message.fileName })
            : message.fileName,
          " · " + formatBytes(message.size),
        ]);
      case "location":
        return locationCard(message.title, message.address, message.latitude, message.longitude);
      case "sticker":
        return stickerNode(message.packageId, message.stickerId);
      default:
        return placeholder(message.type);
    }
  }

  function renderBotEntry(entry, continued) {
    var meta = h("div", { className: "meta" }, [
      entry.via !== "reply" ? h("span", { className: "via", title: "Sent with " + entry.via + ", not as a reply", text: entry.via }) : null,
      timeOf(entry.at),
    ]);
    var content = renderBotMessage(entry.message || {});
    // Carousels scroll sideways, so they may use the whole width of the chat.
    var wide = content.classList.contains("carousel");
    return h("div", { className: "row bot" + (continued ? " continued" : "") }, [
      h("div", { className: "bot-avatar", text: "IT", title: "Integrity Tipline" }),
      h("div", { className: "stack" + (wide ? " wide" : "") }, [content]),
      meta,
    ]);
  }

  function renderBotMessage(message) {
    try {
      switch (message.type) {
        case "text":
          return h("div", { className: "bubble" }, linkified(String(message.text || "")));
        case "textV2":
          return h("div", { className: "bubble" }, linkified(substitute(message)));
        case "sticker":
          return stickerNode(message.packageId, message.stickerId);
        case "image":
          return botImage(message.previewImageUrl || message.originalContentUrl, message.originalContentUrl);
        case "video":
          return h("video", { className: "media", src: message.originalContentUrl, poster: message.previewImageUrl, controls: true });
        case "audio":
          return h("audio", { src: message.originalContentUrl, controls: true });
        case "location":
          return locationCard(message.title, message.address, message.latitude, message.longitude);
        case "imagemap":
          return placeholder("🗺 Imagemap (not rendered): " + (message.altText || ""));
        case "template":
          return renderTemplate(message.template || {}, message.altText);
        case "flex":
          return renderFlexMessage(message);
        default:
          return rawMessage(message, "Not rendered: " + message.type);
      }
    } catch (error) {
      return rawMessage(message, "Could not render: " + error.message);
    }
  }

  function rawMessage(message, title) {
    return h("div", { className: "placeholder" }, [title, h("pre", { className: "raw", text: JSON.stringify(message, null, 2) })]);
  }

  /** textV2: {name} placeholders filled with mentions and emojis. */
  function substitute(message) {
    var substitution = message.substitution || {};
    return String(message.text || "").replace(/\{(\w+)\}/g, function (whole, key) {
      var value = substitution[key];
      if (!value) return whole;
      if (value.type === "mention") return value.mentionee && value.mentionee.type === "all" ? "@All" : "@" + ((value.mentionee && value.mentionee.userId) || "user").slice(0, 9);
      if (value.type === "emoji") return "🙂";
      return whole;
    });
  }

  function botImage(src, original) {
    var image = h("img", {
      className: "media tappable",
      src: src,
      alt: "Image from the bot",
      onclick: function () {
        openUri(original || src);
      },
    });
    image.addEventListener("error", function () {
      image.replaceWith(h("div", { className: "placeholder", title: src, text: "🖼 Image from " + hostOf(src) }));
    });
    return image;
  }

  function stickerNode(packageId, stickerId) {
    var known = config.stickers.find(function (sticker) {
      return sticker.packageId === String(packageId) && sticker.stickerId === String(stickerId);
    });
    return h("div", { className: "sticker", title: "Sticker " + packageId + "/" + stickerId }, [
      known ? known.emoji : "🧸",
      h("small", { text: "sticker " + packageId + "/" + stickerId }),
    ]);
  }

  function locationCard(title, address, latitude, longitude) {
    var map = "https://www.openstreetmap.org/?mlat=" + latitude + "&mlon=" + longitude + "#map=15/" + latitude + "/" + longitude;
    return h("div", { className: "card" }, [
      h("div", { className: "card-body" }, [
        h("div", { className: "card-title", text: "📍 " + (title || "Location") }),
        address ? h("div", { className: "card-text", text: address }) : null,
        h("div", { className: "card-text" }, [
          h("a", { href: map, target: "_blank", rel: "noopener noreferrer", text: Number(latitude).toFixed(5) + ", " + Number(longitude).toFixed(5) }),
        ]),
      ]),
    ]);
  }

  function renderQuickReplies() {
    var bar = $("quick-replies");
    bar.replaceChildren();
    var last = state.entries[state.entries.length - 1];
    // LINE shows quick replies only while their message is the last one in the chat.
    if (!last || last.from !== "bot" || !last.message || !last.message.quickReply) return;
    (last.message.quickReply.items || []).forEach(function (item) {
      var action = item.action || {};
      bar.appendChild(
        h("button", {
          type: "button",
          text: action.label || action.type,
          title: describeAction(action),
          onclick: function () {
            performAction(action);
          },
        }),
      );
    });
  }

  // ---------- actions (quick replies, Flex buttons, templates) ----------

  function describeAction(action) {
    switch (action.type) {
      case "postback":
        return "postback: " + action.data + (action.displayText ? " (shows “" + action.displayText + "”)" : "");
      case "message":
        return "sends text: " + action.text;
      case "uri":
        return "opens " + action.uri;
      case "datetimepicker":
        return "date/time picker (" + (action.mode || "date") + "): " + action.data;
      case "clipboard":
        return "copies: " + action.clipboardText;
      case "richmenuswitch":
        return "switches to rich menu " + action.richMenuAliasId + ", postback: " + action.data;
      default:
        return action.type || "";
    }
  }

  function performAction(action) {
    switch (action.type) {
      case "postback":
        if (action.inputOption === "openKeyboard") {
          var input = $("text");
          if (action.fillInText) input.value = action.fillInText;
          input.focus();
        }
        return sendPostback(action.data, action.displayText || action.text);
      case "message":
        return sendText(action.text);
      case "uri":
        return openUri(action.uri || (action.altUri && action.altUri.desktop));
      case "datetimepicker":
        return openDatePanel(action);
      case "location":
        return openLocationPanel();
      case "camera":
      case "cameraRoll":
        return $("photo-input").click();
      case "clipboard":
        return copyText(action.clipboardText);
      case "richmenuswitch":
        return send("richmenu-switch", { richMenuAliasId: action.richMenuAliasId, data: action.data }).then(loadRichMenu);
      default:
        toast("This action is not emulated: " + action.type, true);
    }
  }

  function openUri(uri) {
    if (!uri) return;
    if (/^(https?:|mailto:|tel:)/i.test(uri)) window.open(uri, "_blank", "noopener");
    else toast("A LINE app link, which only opens inside LINE: " + uri, true);
  }

  function copyText(text) {
    var done = function () {
      toast("Copied: " + text);
    };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(text).then(done, function () {
        fallbackCopy(text, done);
      });
    } else fallbackCopy(text, done);
  }

  function fallbackCopy(text, done) {
    var area = h("textarea", { value: text });
    document.body.appendChild(area);
    area.select();
    var ok = false;
    try {
      ok = document.execCommand("copy");
    } catch (error) {
      ok = false;
    }
    area.remove();
    if (ok) done();
    else toast("The browser refused to copy; the text is: " + text, true);
  }

  function bindAction(node, action) {
    if (!action || !action.type) return;
    node.classList.add("tappable");
    node.title = describeAction(action);
    node.addEventListener("click", function (event) {
      event.stopPropagation();
      performAction(action);
    });
  }

  // ---------- Flex ----------

  var TEXT_SIZES = { xxs: 11, xs: 13, sm: 14, md: 16, lg: 19, xl: 22, xxl: 29, "3xl": 35, "4xl": 48, "5xl": 74 };
  var SPACING = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };
  var IMAGE_SIZES = { xxs: 40, xs: 60, sm: 80, md: 100, lg: 120, xl: 140, xxl: 160, "3xl": 180, "4xl": 200, "5xl": 240, full: "100%" };
  var BORDER_WIDTHS = { none: 0, light: 0.5, normal: 1, medium: 2, "semi-bold": 3, bold: 4 };
  var CORNER_RADII = { none: 0, xs: 2, sm: 4, md: 8, lg: 12, xl: 16, xxl: 20 };

  /** A keyword from LINE's table, or a "12px" / "50%" value as given. */
  function size(value, table) {
    if (value === undefined || value === null) return "";
    if (table && Object.prototype.hasOwnProperty.call(table, value)) {
      var named = table[value];
      return typeof named === "number" ? named + "px" : named;
    }
    return /^\d+(\.\d+)?(px|%)$/.test(String(value)) ? String(value) : "";
  }

  function renderFlexMessage(message) {
    var contents = message.contents || {};
    var node =
      contents.type === "carousel"
        ? h("div", { className: "carousel" }, (contents.contents || []).map(renderBubble))
        : renderBubble(contents);
    node.title = "Flex · altText: " + (message.altText || "");
    return node;
  }

  function renderBubble(bubble) {
    var node = h("div", { className: "flex-bubble " + (bubble.size || "mega") });
    var styles = bubble.styles || {};
    ["header", "hero", "body", "footer"].forEach(function (name) {
      var part = bubble[name];
      if (!part) return;
      var style = styles[name] || {};
      var section = h("div", { className: "flex-section flex-" + name });
      if (style.backgroundColor) section.style.backgroundColor = style.backgroundColor;
      if (style.separator) section.style.borderTop = "1px solid " + (style.separatorColor || "#e4e7eb");
      // A box with its own padding replaces the section's default padding, as in LINE.
      if (part.type === "box" && ["paddingAll", "paddingTop", "paddingBottom", "paddingStart", "paddingEnd"].some(function (key) {
        return part[key] !== undefined;
      })) section.style.padding = "0";
      section.appendChild(renderComponent(part, "vertical"));
      node.appendChild(section);
    });
    bindAction(node, bubble.action);
    return node;
  }

  function renderComponent(component, parentLayout) {
    switch (component.type) {
      case "box":
        return renderBox(component);
      case "text":
        return renderText(component);
      case "span":
        return renderSpan(component);
      case "separator":
        var line = h("div", { className: "flex-separator in-" + (parentLayout === "vertical" ? "vertical" : "horizontal") });
        if (component.color) line.style.backgroundColor = component.color;
        return line;
      case "image":
        return renderImage(component);
      case "icon":
        var icon = h("img", { className: "flex-icon", src: component.url, alt: "" });
        icon.style.height = size(component.size || "md", TEXT_SIZES);
        return icon;
      case "button":
        return renderButton(component);
      case "filler":
        return h("div");
      case "spacer":
        var spacer = h("div");
        spacer.style.width = spacer.style.height = size(component.size || "md", SPACING);
        return spacer;
      case "video":
        return component.altContent ? renderComponent(component.altContent, parentLayout) : placeholder("🎬 Video");
      default:
        return placeholder("Flex " + component.type + " (not rendered)");
    }
  }

  function renderBox(box) {
    var layout = box.layout || "vertical";
    var node = h("div", { className: "flex-box " + layout });
    var style = node.style;
    style.position = "relative";
    if (box.backgroundColor) style.backgroundColor = box.backgroundColor;
    if (box.background && box.background.type === "linearGradient") {
      var stops = [box.background.startColor, box.background.centerColor, box.background.endColor].filter(Boolean);
      style.background = "linear-gradient(" + (box.background.angle || "0deg") + ", " + stops.join(", ") + ")";
    }
    if (box.borderColor) style.borderColor = box.borderColor;
    if (box.borderWidth !== undefined) {
      style.borderStyle = "solid";
      style.borderWidth = size(box.borderWidth, BORDER_WIDTHS);
    }
    if (box.cornerRadius !== undefined) style.borderRadius = size(box.cornerRadius, CORNER_RADII);
    ["width", "height", "maxWidth", "maxHeight"].forEach(function (key) {
      if (box[key] !== undefined) style[key] = size(box[key]);
    });
    if (box.paddingAll !== undefined) style.padding = size(box.paddingAll, SPACING);
    if (box.paddingTop !== undefined) style.paddingTop = size(box.paddingTop, SPACING);
    if (box.paddingBottom !== undefined) style.paddingBottom = size(box.paddingBottom, SPACING);
    if (box.paddingStart !== undefined) style.paddingLeft = size(box.paddingStart, SPACING);
    if (box.paddingEnd !== undefined) style.paddingRight = size(box.paddingEnd, SPACING);
    if (box.justifyContent) style.justifyContent = box.justifyContent;
    if (box.alignItems) style.alignItems = box.alignItems;
    (box.contents || []).forEach(function (child, index) {
      var childNode = renderComponent(child, layout);
      placeInBox(childNode, child, layout, index, box.spacing);
      node.appendChild(childNode);
    });
    bindAction(node, box.action);
    return node;
  }

  /** What LINE's box does to its children: flex ratios, spacing or margin before each, gravity, offsets. */
  function placeInBox(node, child, layout, index, spacing) {
    var horizontal = layout !== "vertical";
    var style = node.style;
    var fixedSize = child.type === "separator" || child.type === "spacer" || child.type === "icon";
    var flex = typeof child.flex === "number" ? child.flex : child.type === "filler" ? 1 : horizontal && !fixedSize ? 1 : 0;
    style.flex = flex > 0 ? flex + " 1 " + (horizontal ? "0px" : "auto") : "0 0 auto";
    var gap = child.margin !== undefined ? child.margin : index > 0 ? spacing : undefined;
    if (gap !== undefined) style[horizontal ? "marginLeft" : "marginTop"] = size(gap, SPACING);
    if (horizontal && child.gravity) style.alignSelf = { top: "flex-start", bottom: "flex-end", center: "center" }[child.gravity] || "";
    if (child.position === "absolute") style.position = "absolute";
    else if (child.offsetTop || child.offsetBottom || child.offsetStart || child.offsetEnd) style.position = "relative";
    if (child.offsetTop) style.top = size(child.offsetTop, SPACING);
    if (child.offsetBottom) style.bottom = size(child.offsetBottom, SPACING);
    if (child.offsetStart) style.left = size(child.offsetStart, SPACING);
    if (child.offsetEnd) style.right = size(child.offsetEnd, SPACING);
  }

  function styleText(node, component) {
    var style = node.style;
    if (component.size) style.fontSize = size(component.size, TEXT_SIZES);
    if (component.weight === "bold") style.fontWeight = "700";
    if (component.color) style.color = component.color;
    if (component.style === "italic") style.fontStyle = "italic";
    if (component.decoration && component.decoration !== "none") style.textDecoration = component.decoration;
  }

  function renderText(component) {
    var node = h("div", { className: "flex-text" + (component.wrap ? "" : " nowrap") });
    if (Array.isArray(component.contents) && component.contents.length > 0) {
      component.contents.forEach(function (span) {
        node.appendChild(renderSpan(span));
      });
    } else node.textContent = component.text || "";
    node.style.fontSize = size(component.size || "md", TEXT_SIZES);
    styleText(node, component);
    if (component.align) node.style.textAlign = { start: "left", end: "right", center: "center" }[component.align] || "";
    if (component.lineSpacing) node.style.lineHeight = "calc(1.4em + " + size(component.lineSpacing) + ")";
    if (component.wrap && component.maxLines > 0) {
      node.style.display = "-webkit-box";
      node.style.webkitBoxOrient = "vertical";
      node.style.webkitLineClamp = String(component.maxLines);
      node.style.overflow = "hidden";
    }
    bindAction(node, component.action);
    return node;
  }

  function renderSpan(span) {
    var node = h("span", { text: span.text || "" });
    styleText(node, span);
    return node;
  }

  function renderImage(component) {
    var frame = h("div");
    frame.style.display = "flex";
    frame.style.justifyContent = { start: "flex-start", end: "flex-end" }[component.align] || "center";
    var image = h("img", { className: "flex-image", src: component.url, alt: component.altText || "" });
    image.style.width = size(component.size || "md", IMAGE_SIZES) || "100px";
    var ratio = String(component.aspectRatio || "1:1").split(":");
    if (ratio.length === 2) image.style.aspectRatio = ratio[0] + " / " + ratio[1];
    image.style.objectFit = component.aspectMode === "cover" ? "cover" : "contain";
    if (component.backgroundColor) image.style.backgroundColor = component.backgroundColor;
    image.addEventListener("error", function () {
      var missing = h("div", { className: "flex-image missing", title: component.url, text: "🖼 " + hostOf(component.url) });
      missing.style.width = image.style.width;
      missing.style.aspectRatio = image.style.aspectRatio;
      image.replaceWith(missing);
    });
    frame.appendChild(image);
    bindAction(frame, component.action);
    return frame;
  }

  function renderButton(component) {
    var action = component.action || {};
    var kind = component.style || "link";
    var button = h("button", {
      type: "button",
      className: "flex-button " + kind,
      text: action.label || "",
      title: describeAction(action),
      onclick: function (event) {
        event.stopPropagation();
        performAction(action);
      },
    });
    button.style.minHeight = component.height === "sm" ? "40px" : "52px";
    if (component.color) {
      if (kind === "link") button.style.color = component.color;
      else button.style.backgroundColor = component.color;
    }
    return button;
  }

  // ---------- templates ----------

  function renderTemplate(template, altText) {
    switch (template.type) {
      case "buttons":
        return templateCard(template, template.actions, false);
      case "confirm":
        return templateCard({ text: template.text }, template.actions, true);
      case "carousel":
        return h("div", { className: "carousel" }, (template.columns || []).map(function (column) {
          return templateCard(column, column.actions, false);
        }));
      case "image_carousel":
        return h("div", { className: "carousel" }, (template.columns || []).map(function (column) {
          return templateCard({ thumbnailImageUrl: column.imageUrl }, [column.action], false);
        }));
      default:
        return placeholder("Template (not rendered): " + (altText || ""));
    }
  }

  function templateCard(column, actions, sideBySide) {
    var card = h("div", { className: "card" }, [
      column.thumbnailImageUrl ? h("img", { src: column.thumbnailImageUrl, alt: "" }) : null,
      h("div", { className: "card-body" }, [
        column.title ? h("div", { className: "card-title", text: column.title }) : null,
        column.text ? h("div", { className: "card-text", text: column.text }) : null,
      ]),
      h(
        "div",
        { className: "card-actions" + (sideBySide ? " side" : "") },
        (actions || []).filter(Boolean).map(function (action) {
          return h("button", {
            type: "button",
            text: action.label || action.type,
            title: describeAction(action),
            onclick: function () {
              performAction(action);
            },
          });
        }),
      ),
    ]);
    bindAction(card, column.defaultAction);
    return card;
  }

  // ---------- panels: location, sticker, date picker ----------

  function openPanel(title, content) {
    var box = $("messages");
    var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
    var panel = $("panel");
    panel.replaceChildren(
      h("div", { className: "panel-head" }, [
        h("h3", { text: title }),
        h("button", { type: "button", className: "close", text: "✕", title: "Close (Esc)", onclick: closePanel }),
      ]),
    );
    append(panel, content);
    panel.hidden = false;
    if (nearBottom) box.scrollTop = box.scrollHeight;
    var first = panel.querySelector("input, .presets button");
    if (first) first.focus();
  }

  function closePanel() {
    $("panel").hidden = true;
    $("panel").replaceChildren();
  }

  function openLocationPanel() {
    var presets = h(
      "div",
      { className: "presets" },
      config.locations.map(function (place) {
        return h("button", {
          type: "button",
          text: place.label,
          title: place.latitude + ", " + place.longitude,
          onclick: function () {
            sendLocation({ title: place.title, address: place.address, latitude: place.latitude, longitude: place.longitude });
          },
        });
      }),
    );
    var lat = h("input", { className: "coord", type: "number", step: "any", min: "-90", max: "90", placeholder: "latitude 18.79", required: true });
    var lng = h("input", { className: "coord", type: "number", step: "any", min: "-180", max: "180", placeholder: "longitude 98.98", required: true });
    var title = h("input", { type: "text", placeholder: "title (optional)", maxLength: 100 });
    var address = h("input", { type: "text", placeholder: "address (optional)", maxLength: 300 });
    var form = h(
      "form",
      {
        onsubmit: function (event) {
          event.preventDefault();
          var location = { latitude: Number(lat.value), longitude: Number(lng.value) };
          if (title.value.trim()) location.title = title.value.trim();
          if (address.value.trim()) location.address = address.value.trim();
          sendLocation(location);
        },
      },
      [lat, lng, title, address, h("button", { type: "submit", text: "Send location" })],
    );
    openPanel("Send a location · ส่งตำแหน่ง (district seats in Chiang Mai, approximate)", [presets, form]);
  }

  function openStickerPanel() {
    openPanel(
      "Send a sticker · ส่งสติกเกอร์",
      h(
        "div",
        { className: "presets" },
        config.stickers.map(function (sticker) {
          return h("button", {
            type: "button",
            className: "sticker-choice",
            text: sticker.emoji,
            title: sticker.keywords.join(", ") + " (" + sticker.packageId + "/" + sticker.stickerId + ")",
            onclick: function () {
              send("sticker", { packageId: sticker.packageId, stickerId: sticker.stickerId, keywords: sticker.keywords });
            },
          });
        }),
      ),
    );
  }

  /** LINE's picker answers a postback with params {date}, {time} or {datetime}. */
  function openDatePanel(action) {
    var mode = action.mode || "date";
    var input = h("input", { type: mode === "datetime" ? "datetime-local" : mode, required: true });
    if (action.initial) input.value = action.initial;
    if (action.min) input.min = action.min;
    if (action.max) input.max = action.max;
    var form = h(
      "form",
      {
        onsubmit: function (event) {
          event.preventDefault();
          var params = {};
          params[mode] = input.value;
          sendPostback(action.data, undefined, params);
        },
      },
      [input, h("button", { type: "submit", text: "OK" })],
    );
    openPanel(action.label || "Pick a date · เลือกวันที่", form);
  }

  // ---------- rich menu ----------

  /** The menu this person sees on LINE (per-user link, else the default), with its tappable areas. */
  function loadRichMenu() {
    var chat = currentChat();
    var seq = ++state.richMenuSeq;
    if (!chat || (chat.kind !== "citizen" && chat.kind !== "officer")) {
      state.richMenu = null;
      renderRichMenu();
      return Promise.resolve();
    }
    return api("GET", chatPath(chat, "richmenu"))
      .then(function (json) {
        if (seq !== state.richMenuSeq) return; // an older answer
        var before = state.richMenu && state.richMenu.richMenuId;
        state.richMenu = json.richMenu;
        if (!before && json.richMenu) state.richMenuOpen = json.richMenu.selected !== false;
        if (before !== (json.richMenu && json.richMenu.richMenuId)) renderRichMenu();
      })
      .catch(function (error) {
        toast("Could not load the rich menu: " + error.message, true);
      });
  }

  function renderRichMenu() {
    var menu = state.richMenu;
    var chat = currentChat();
    var section = $("rich-menu");
    section.hidden = !menu || !chat || chat.readOnly;
    if (section.hidden) return;
    var bar = $("rich-menu-bar");
    bar.textContent = menu.chatBarText;
    bar.setAttribute("aria-expanded", String(state.richMenuOpen));
    $("rich-menu-body").hidden = !state.richMenuOpen;
    var image = $("rich-menu-image");
    image.src = API + chatPath(chat, menu.imageUrl);
    image.alt = menu.chatBarText;
    var areas = $("rich-menu-areas");
    areas.replaceChildren();
    (menu.areas || []).forEach(function (area) {
      var b = area.bounds;
      var action = area.action || {};
      var button = h("button", {
        type: "button",
        title: describeAction(action),
        "aria-label": action.label || action.type,
        "data-label": action.label || "",
        onclick: function () {
          performAction(action);
        },
      });
      button.style.left = (100 * b.x) / menu.size.width + "%";
      button.style.top = (100 * b.y) / menu.size.height + "%";
      button.style.width = (100 * b.width) / menu.size.width + "%";
      button.style.height = (100 * b.height) / menu.size.height + "%";
      areas.appendChild(button);
    });
  }

  function toggleRichMenu() {
    state.richMenuOpen = !state.richMenuOpen;
    renderRichMenu();
    if (state.pinned) scrollToNewest();
  }

  function setChatsOpen(open) {
    $("app").classList.toggle("chats-open", open);
    $("chats-toggle").setAttribute("aria-expanded", String(open));
    $("scrim").hidden = !open;
  }

  // ---------- typing indicator ----------

  function showTyping(seconds) {
    $("typing").hidden = false;
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(hideTyping, seconds * 1000);
  }

  function hideTyping() {
    clearTimeout(state.typingTimer);
    $("typing").hidden = true;
  }

  // ---------- live updates ----------

  function connectEvents() {
    var indicator = $("connection");
    var events = new EventSource(config.basePath + "/events");
    events.addEventListener("open", function () {
      indicator.className = "connection live";
      indicator.title = "Live updates: connected";
      refreshSoon(); // catch up on anything missed while disconnected
    });
    events.addEventListener("error", function () {
      indicator.className = "connection";
      indicator.title = "Live updates: reconnecting…";
    });
    events.addEventListener("chat", refreshSoon);
    events.addEventListener("call", function (event) {
      var call = JSON.parse(event.data);
      var chat = currentChat();
      if (call.loading && chat && call.loading.chatId === chat.target) showTyping(call.loading.seconds);
      if (/\/v2\/bot\/message\/(reply|push|multicast)$/.test(call.endpoint)) refreshSoon();
      if (/richmenu/.test(call.endpoint) && call.status < 300 && !/^GET /.test(call.endpoint)) loadRichMenu();
      // A 404 to a read is an answer ("the user has no richmenu", no profile), not a rejected call.
      var answeredRead = call.status === 404 && /^GET /.test(call.endpoint);
      if (call.status >= 400 && !answeredRead) {
        toast("LINE answered " + call.status + " to the bot’s " + call.endpoint + " — see Messaging API calls", true);
      }
    });
  }

  // ---------- composer ----------

  function wireComposer() {
    var text = $("text");
    var autosize = function () {
      text.style.height = "auto";
      text.style.height = Math.min(text.scrollHeight + 2, 160) + "px";
    };
    $("composer").addEventListener("submit", function (event) {
      event.preventDefault();
      var value = text.value;
      if (value.trim() === "") return;
      text.value = "";
      autosize();
      sendText(value);
    });
    text.addEventListener("input", autosize);
    text.addEventListener("keydown", function (event) {
      // isComposing: Enter that confirms a Thai (or any IME) composition must not send.
      if (event.key === "Enter" && !event.shiftKey && !event.isComposing && event.keyCode !== 229) {
        event.preventDefault();
        $("composer").requestSubmit();
      }
    });
    $("tool-photo").addEventListener("click", function () {
      $("photo-input").click();
    });
    $("tool-file").addEventListener("click", function () {
      $("file-input").click();
    });
    $("tool-location").addEventListener("click", openLocationPanel);
    $("tool-sticker").addEventListener("click", openStickerPanel);
    [
      ["photo-input", false],
      ["file-input", true],
    ].forEach(function (pair) {
      var input = $(pair[0]);
      input.addEventListener("change", function () {
        var files = Array.from(input.files || []);
        input.value = "";
        files.reduce(function (previous, file) {
          return previous.then(function () {
            return upload(file, pair[1]);
          });
        }, Promise.resolve());
      });
    });
    document.addEventListener("keydown", function (event) {
      if (event.key === "Escape") {
        closePanel();
        setChatsOpen(false);
      }
    });
    var box = $("messages");
    box.addEventListener("scroll", function () {
      // Only the reader scrolling up unpins: content that grew after our own scroll (a photo's layout)
      // leaves the view short of the bottom without anyone having moved it.
      var nearBottom = box.scrollHeight - box.scrollTop - box.clientHeight < 80;
      state.pinned = nearBottom || box.scrollTop >= state.autoScrollTop - 2;
    });
    // Photos and videos get their height when they load, after the scroll to the newest message.
    ["load", "loadedmetadata"].forEach(function (type) {
      box.addEventListener(type, function () {
        if (state.pinned) scrollToNewest();
      }, true);
    });
    $("rich-menu-image").addEventListener("load", function () {
      if (state.pinned) scrollToNewest();
    });
    $("rich-menu-bar").addEventListener("click", toggleRichMenu);
    $("chats-toggle").addEventListener("click", function () {
      setChatsOpen(!$("app").classList.contains("chats-open"));
    });
    $("scrim").addEventListener("click", function () {
      setChatsOpen(false);
    });
  }

  // ---------- start ----------

  function start() {
    wireComposer();
    window.addEventListener("hashchange", function () {
      selectChat(decodeURIComponent(location.hash.slice(1)));
    });
    loadChats()
      .then(function () {
        var wanted = decodeURIComponent(location.hash.slice(1));
        var first = state.chats[0];
        selectChat(state.chats.some(function (chat) { return chat.id === wanted; }) ? wanted : first && first.id);
        connectEvents();
      })
      .catch(function (error) {
        toast("Could not load the chats: " + error.message, true);
      });
  }

  start();
})();
`;
