/**
 * Message-object checks the real Messaging API makes, so a message LINE would reject fails in tests
 * and local mode too (limits: LINE-FACTS §4 and §9). Detail wording follows LINE's documented
 * examples where there are any ("May not be empty", "Must be one of the following values: [...]",
 * "Size/Length must be between a and b"); the rest is ours.
 */
import type { ErrorDetail } from "./api-response";

export const LIMITS = {
  /** reply/push/multicast: messages minItems 1, maxItems 5 (OPENAPI). */
  messagesPerRequest: 5,
  /** Text counts UTF-16 code units, i.e. JS `length` (text-character-count doc). */
  textLength: 5000,
  emojisPerText: 20,
  quickReplyItems: 13,
  /** Labels count grapheme clusters: 20 for quick reply and templates, 12 for image carousel, 40 for Flex. */
  quickReplyLabel: 20,
  templateLabel: 20,
  imageCarouselLabel: 12,
  flexLabel: 40,
  /** Postback data, displayText and fillInText; message action text. */
  actionText: 300,
  flexAltText: 1500,
  templateAltText: 400,
  carouselBubbles: 12,
  templateColumns: 10,
  /** Flex JSON size: bubble 30 KB, carousel 50 KB. */
  bubbleBytes: 30 * 1024,
  carouselBytes: 50 * 1024,
  urlLength: 2000,
  uriActionLength: 1000,
  senderName: 20,
  locationText: 100,
} as const;

const MESSAGE_TYPES = [
  "text",
  "textV2",
  "image",
  "video",
  "audio",
  "location",
  "sticker",
  "template",
  "imagemap",
  "flex",
] as const;
const ACTION_TYPES = [
  "postback",
  "message",
  "uri",
  "datetimepicker",
  "camera",
  "cameraRoll",
  "location",
  "richmenuswitch",
  "clipboard",
] as const;
const TEMPLATE_TYPES = ["buttons", "confirm", "carousel", "image_carousel"] as const;

const graphemeSegmenter = new Intl.Segmenter(undefined, { granularity: "grapheme" });

/** What a user sees as one character: 👍🏽 or a Thai consonant with its vowel and tone marks count once. */
export function graphemeLength(text: string): number {
  let count = 0;
  for (const _ of graphemeSegmenter.segment(text)) count++;
  return count;
}

/**
 * Whether `text` has more than `max` graphemes. Every reply's quick-reply labels pass through here,
 * and segmenting them was nearly all of validating a reply (a text with 13 Thai quick-reply labels:
 * ~165 µs, 5–10 µs without), so segment only when the UTF-16 length leaves doubt (a grapheme is at
 * least one code unit) and stop counting past `max`.
 */
export function exceedsGraphemes(text: string, max: number): boolean {
  if (text.length <= max) return false;
  let count = 0;
  for (const _ of graphemeSegmenter.segment(text)) if (++count > max) return true;
  return false;
}

type Obj = Record<string, unknown>;
const isObject = (value: unknown): value is Obj =>
  typeof value === "object" && value !== null && !Array.isArray(value);

/** Collects details as the checks walk a request body. */
export class Checker {
  readonly details: ErrorDetail[] = [];

  add(property: string, message: string): void {
    this.details.push({ message, property });
  }

  /** A required (or, with `optional`, a possibly absent) string of bounded length. */
  string(
    value: unknown,
    property: string,
    rule: { max: number; optional?: boolean; unit?: "utf16" | "grapheme" },
  ): void {
    if (value === undefined || value === null || value === "") {
      if (!rule.optional) this.add(property, "May not be empty");
      return;
    }
    if (typeof value !== "string") {
      this.add(property, "Must be a string");
      return;
    }
    const tooLong = rule.unit === "grapheme" ? exceedsGraphemes(value, rule.max) : value.length > rule.max;
    if (tooLong) this.add(property, `Length must be between 0 and ${rule.max}`);
  }

  /** An array whose size LINE bounds; returns its items (or none when it isn't an array). */
  array(value: unknown, property: string, min: number, max: number, optional = false): unknown[] {
    if (value === undefined || value === null) {
      if (!optional) this.add(property, "May not be empty");
      return [];
    }
    if (!Array.isArray(value)) {
      this.add(property, "Must be an array");
      return [];
    }
    if (value.length < min || value.length > max)
      this.add(property, `Size must be between ${min} and ${max}`);
    return value;
  }

  /** One of a fixed set of values; returns the value when it is one. */
  oneOf<T extends string>(value: unknown, property: string, allowed: readonly T[]): T | undefined {
    if (value === undefined || value === null || value === "") {
      this.add(property, "May not be empty");
      return undefined;
    }
    if (typeof value === "string" && (allowed as readonly string[]).includes(value)) return value as T;
    this.add(property, `Must be one of the following values: [${allowed.join(", ")}]`);
    return undefined;
  }

  /** Media URLs must be HTTPS and at most 2000 characters (DOCS-REF message objects). */
  httpsUrl(value: unknown, property: string, optional = false): void {
    this.string(value, property, { max: LIMITS.urlLength, optional });
    if (typeof value === "string" && value !== "" && !value.startsWith("https://")) {
      this.add(property, "Must be an HTTPS URL");
    }
  }

  number(value: unknown, property: string): void {
    if (value === undefined || value === null) this.add(property, "May not be empty");
    else if (typeof value !== "number" || !Number.isFinite(value)) this.add(property, "Must be a number");
  }

  object(value: unknown, property: string): Obj | undefined {
    if (isObject(value)) return value;
    this.add(property, value === undefined || value === null ? "May not be empty" : "Must be an object");
    return undefined;
  }
}

interface LabelRule {
  max: number;
  required: boolean;
}

function checkAction(c: Checker, value: unknown, p: string, label: LabelRule): void {
  const action = c.object(value, p);
  if (!action) return;
  const type = c.oneOf(action["type"], `${p}.type`, ACTION_TYPES);
  c.string(action["label"], `${p}.label`, { max: label.max, optional: !label.required, unit: "grapheme" });
  switch (type) {
    case "postback":
      c.string(action["data"], `${p}.data`, { max: LIMITS.actionText });
      c.string(action["displayText"], `${p}.displayText`, { max: LIMITS.actionText, optional: true });
      c.string(action["fillInText"], `${p}.fillInText`, { max: LIMITS.actionText, optional: true });
      c.string(action["text"], `${p}.text`, { max: LIMITS.actionText, optional: true });
      if (action["displayText"] !== undefined && action["text"] !== undefined) {
        c.add(`${p}.displayText`, "displayText and text cannot be used together");
      }
      break;
    case "message":
      c.string(action["text"], `${p}.text`, { max: LIMITS.actionText });
      break;
    case "uri":
      c.string(action["uri"], `${p}.uri`, { max: LIMITS.uriActionLength });
      if (typeof action["uri"] === "string" && !/^(https?|line|tel):/.test(action["uri"])) {
        c.add(`${p}.uri`, "Must use the http, https, line or tel scheme");
      }
      break;
    case "datetimepicker":
      c.string(action["data"], `${p}.data`, { max: LIMITS.actionText });
      c.oneOf(action["mode"], `${p}.mode`, ["date", "time", "datetime"]);
      break;
    case "richmenuswitch":
      c.string(action["data"], `${p}.data`, { max: LIMITS.actionText });
      c.string(action["richMenuAliasId"], `${p}.richMenuAliasId`, { max: 32 });
      break;
    case "clipboard":
      c.string(action["clipboardText"], `${p}.clipboardText`, { max: 1000 });
      break;
    default:
      break;
  }
}

/** Quick reply: at most 13 buttons, each an action with a required label of at most 20 graphemes. */
function checkQuickReply(c: Checker, value: unknown, p: string): void {
  const quickReply = c.object(value, p);
  if (!quickReply) return;
  c.array(quickReply["items"], `${p}.items`, 1, LIMITS.quickReplyItems).forEach((item, i) => {
    const ip = `${p}.items[${i}]`;
    const button = c.object(item, ip);
    if (!button) return;
    c.oneOf(button["type"], `${ip}.type`, ["action"]);
    c.httpsUrl(button["imageUrl"], `${ip}.imageUrl`, true);
    checkAction(c, button["action"], `${ip}.action`, { max: LIMITS.quickReplyLabel, required: true });
  });
}

function checkTemplate(c: Checker, value: unknown, p: string): void {
  const template = c.object(value, p);
  if (!template) return;
  const type = c.oneOf(template["type"], `${p}.type`, TEMPLATE_TYPES);
  const labelled = { max: LIMITS.templateLabel, required: true };
  const checkActions = (actions: unknown, ap: string, min: number, max: number): void =>
    c.array(actions, ap, min, max).forEach((a, i) => checkAction(c, a, `${ap}[${i}]`, labelled));
  switch (type) {
    case "buttons":
      c.string(template["text"], `${p}.text`, { max: 160 });
      checkActions(template["actions"], `${p}.actions`, 1, 4);
      break;
    case "confirm":
      c.string(template["text"], `${p}.text`, { max: 240 });
      checkActions(template["actions"], `${p}.actions`, 2, 2);
      break;
    case "carousel":
      c.array(template["columns"], `${p}.columns`, 1, LIMITS.templateColumns).forEach((column, i) => {
        const cp = `${p}.columns[${i}]`;
        const col = c.object(column, cp);
        if (!col) return;
        c.string(col["text"], `${cp}.text`, { max: 120 });
        checkActions(col["actions"], `${cp}.actions`, 1, 3);
      });
      break;
    case "image_carousel":
      c.array(template["columns"], `${p}.columns`, 1, LIMITS.templateColumns).forEach((column, i) => {
        const cp = `${p}.columns[${i}]`;
        const col = c.object(column, cp);
        if (!col) return;
        c.httpsUrl(col["imageUrl"], `${cp}.imageUrl`);
        checkAction(c, col["action"], `${cp}.action`, { max: LIMITS.imageCarouselLabel, required: false });
      });
      break;
    default:
      break;
  }
}

/** Every `action` inside Flex contents, wherever it is nested (buttons, boxes, images, texts). */
function checkFlexActions(c: Checker, node: unknown, p: string): void {
  if (Array.isArray(node)) {
    node.forEach((child, i) => checkFlexActions(c, child, `${p}[${i}]`));
    return;
  }
  if (!isObject(node)) return;
  for (const [key, child] of Object.entries(node)) {
    if (key === "action") checkAction(c, child, `${p}.action`, { max: LIMITS.flexLabel, required: false });
    else checkFlexActions(c, child, `${p}.${key}`);
  }
}

function checkFlexContents(c: Checker, value: unknown, p: string): void {
  const contents = c.object(value, p);
  if (!contents) return;
  const type = c.oneOf(contents["type"], `${p}.type`, ["bubble", "carousel"]);
  const bytes = Buffer.byteLength(JSON.stringify(contents));
  if (type === "bubble" && bytes > LIMITS.bubbleBytes) {
    c.add(p, `Bubble JSON must be at most ${LIMITS.bubbleBytes} bytes`);
  }
  if (type === "carousel") {
    c.array(contents["contents"], `${p}.contents`, 1, LIMITS.carouselBubbles);
    if (bytes > LIMITS.carouselBytes) c.add(p, `Carousel JSON must be at most ${LIMITS.carouselBytes} bytes`);
  }
  checkFlexActions(c, contents, p);
}

function checkMessage(c: Checker, value: unknown, p: string): void {
  const message = c.object(value, p);
  if (!message) return;
  const type = c.oneOf(message["type"], `${p}.type`, MESSAGE_TYPES);
  switch (type) {
    case "text":
    case "textV2":
      c.string(message["text"], `${p}.text`, { max: LIMITS.textLength });
      c.array(message["emojis"], `${p}.emojis`, 0, LIMITS.emojisPerText, true);
      break;
    case "image":
      c.httpsUrl(message["originalContentUrl"], `${p}.originalContentUrl`);
      c.httpsUrl(message["previewImageUrl"], `${p}.previewImageUrl`);
      break;
    case "video":
      c.httpsUrl(message["originalContentUrl"], `${p}.originalContentUrl`);
      c.httpsUrl(message["previewImageUrl"], `${p}.previewImageUrl`);
      break;
    case "audio":
      c.httpsUrl(message["originalContentUrl"], `${p}.originalContentUrl`);
      c.number(message["duration"], `${p}.duration`);
      break;
    case "location":
      c.string(message["title"], `${p}.title`, { max: LIMITS.locationText });
      c.string(message["address"], `${p}.address`, { max: LIMITS.locationText });
      c.number(message["latitude"], `${p}.latitude`);
      c.number(message["longitude"], `${p}.longitude`);
      break;
    case "sticker":
      c.string(message["packageId"], `${p}.packageId`, { max: 100 });
      c.string(message["stickerId"], `${p}.stickerId`, { max: 100 });
      break;
    case "template":
      c.string(message["altText"], `${p}.altText`, { max: LIMITS.templateAltText });
      checkTemplate(c, message["template"], `${p}.template`);
      break;
    case "imagemap":
      c.string(message["altText"], `${p}.altText`, { max: LIMITS.templateAltText });
      c.httpsUrl(message["baseUrl"], `${p}.baseUrl`);
      c.array(message["actions"], `${p}.actions`, 0, 50);
      break;
    case "flex":
      c.string(message["altText"], `${p}.altText`, { max: LIMITS.flexAltText });
      checkFlexContents(c, message["contents"], `${p}.contents`);
      break;
    default:
      break;
  }
  if (message["quickReply"] !== undefined) checkQuickReply(c, message["quickReply"], `${p}.quickReply`);
  if (message["sender"] !== undefined) {
    const sender = c.object(message["sender"], `${p}.sender`);
    if (sender) {
      c.string(sender["name"], `${p}.sender.name`, { max: LIMITS.senderName, optional: true });
      c.httpsUrl(sender["iconUrl"], `${p}.sender.iconUrl`, true);
    }
  }
}

/** Checks `messages` (1..5 message objects) as reply, push and multicast do. */
export function checkMessages(c: Checker, value: unknown): void {
  c.array(value, "messages", 1, LIMITS.messagesPerRequest).forEach((m, i) =>
    checkMessage(c, m, `messages[${i}]`),
  );
}

/** What a rich menu may do when tapped: no camera, location or clipboard there (DOCS-REF #rich-menu-object). */
const RICH_MENU_ACTION_TYPES = ["postback", "message", "uri", "datetimepicker", "richmenuswitch"] as const;

export const RICH_MENU_LIMITS = {
  minWidth: 800,
  maxWidth: 2500,
  minHeight: 250,
  minAspectRatio: 1.45,
  name: 300,
  chatBarText: 14,
  areas: 20,
  label: 20,
  imageBytes: 1024 * 1024,
} as const;

/** A required field LINE reports with its own wording for rich menus ("must be specified"). */
function present(c: Checker, value: unknown, property: string): boolean {
  if (value !== undefined && value !== null) return true;
  c.add(property, "must be specified");
  return false;
}

function integerIn(
  c: Checker,
  value: unknown,
  property: string,
  min: number,
  max = Infinity,
): number | undefined {
  if (!present(c, value, property)) return undefined;
  if (typeof value !== "number" || !Number.isInteger(value)) {
    c.add(property, "Must be an integer");
    return undefined;
  }
  if (value < min || value > max) {
    c.add(property, max === Infinity ? `Must be at least ${min}` : `Must be between ${min} and ${max}`);
    return undefined;
  }
  return value;
}

/**
 * A rich menu object as create and validate check it: size 800–2500 × ≥250 with w/h ≥ 1.45, name ≤ 300,
 * chatBarText ≤ 14, 1–20 areas whose bounds lie inside the menu, actions LINE allows in a rich menu with
 * labels ≤ 20 graphemes (LINE-FACTS §9).
 */
export function checkRichMenu(c: Checker, value: unknown): void {
  const menu = isObject(value) ? value : {};
  let size: { width: number; height: number } | undefined;
  if (present(c, menu["size"], "size")) {
    const raw = c.object(menu["size"], "size");
    const width =
      raw && integerIn(c, raw["width"], "size.width", RICH_MENU_LIMITS.minWidth, RICH_MENU_LIMITS.maxWidth);
    const height = raw && integerIn(c, raw["height"], "size.height", RICH_MENU_LIMITS.minHeight);
    if (width !== undefined && height !== undefined) {
      if (width / height < RICH_MENU_LIMITS.minAspectRatio) {
        c.add(
          "size",
          `The aspect ratio (width / height) must be at least ${RICH_MENU_LIMITS.minAspectRatio}`,
        );
      } else size = { width, height };
    }
  }
  if (present(c, menu["selected"], "selected") && typeof menu["selected"] !== "boolean") {
    c.add("selected", "Must be a boolean");
  }
  if (present(c, menu["name"], "name")) c.string(menu["name"], "name", { max: RICH_MENU_LIMITS.name });
  if (present(c, menu["chatBarText"], "chatBarText")) {
    c.string(menu["chatBarText"], "chatBarText", { max: RICH_MENU_LIMITS.chatBarText });
  }
  if (!present(c, menu["areas"], "areas")) return;
  c.array(menu["areas"], "areas", 1, RICH_MENU_LIMITS.areas).forEach((item, i) => {
    const p = `areas[${i}]`;
    const area = c.object(item, p);
    if (!area) return;
    const bounds = present(c, area["bounds"], `${p}.bounds`)
      ? c.object(area["bounds"], `${p}.bounds`)
      : undefined;
    if (bounds) {
      const x = integerIn(c, bounds["x"], `${p}.bounds.x`, 0);
      const y = integerIn(c, bounds["y"], `${p}.bounds.y`, 0);
      const width = integerIn(c, bounds["width"], `${p}.bounds.width`, 1);
      const height = integerIn(c, bounds["height"], `${p}.bounds.height`, 1);
      const inside =
        size === undefined ||
        x === undefined ||
        y === undefined ||
        width === undefined ||
        height === undefined ||
        (x + width <= size.width && y + height <= size.height);
      if (!inside) c.add(`${p}.bounds`, "The area must lie inside the rich menu's size");
    }
    if (!present(c, area["action"], `${p}.action`)) return;
    const action = c.object(area["action"], `${p}.action`);
    if (!action) return;
    const type = c.oneOf(action["type"], `${p}.action.type`, RICH_MENU_ACTION_TYPES);
    if (type) checkAction(c, action, `${p}.action`, { max: RICH_MENU_LIMITS.label, required: false });
  });
}
