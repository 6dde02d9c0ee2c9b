import type { Message } from "../line/gateway";
import { html, type Html } from "./html";

/**
 * Campaign messages drawn the way the LINE chat draws them — a chat bubble for text, the picture for
 * an image, Flex bubbles (and carousels) laid out as boxes — as plain HTML and classes, because the
 * console's CSP allows no script and no inline style. Flex colours are therefore rounded to a
 * 64-colour palette of classes (`fc-RGB` / `bg-RGB`, one digit 0–3 per channel) and sizes to LINE's
 * named sizes; the layout (vertical, horizontal, baseline boxes, flex weights, spacing, hero images,
 * buttons) follows the JSON. Anything unknown is drawn as nothing rather than guessed.
 */
export function linePreview(messages: readonly Message[], labels: PreviewLabels): Html {
  return html`<div class="line-chat">
    ${messages.map((message) => html`<div class="line-row">${drawMessage(message, labels)}</div>`)}
    ${quickReplies(messages.at(-1))}
  </div>`;
}

/** Words the preview needs around the content (localized by the caller). */
export interface PreviewLabels {
  /** Shown for an image the preview cannot load, and as its alt text. */
  image: string;
  /** Shown for a Flex message whose JSON has nothing this preview can draw. */
  emptyFlex: string;
}

function drawMessage(message: Message, labels: PreviewLabels): Html {
  switch (message.type) {
    case "text":
      return html`<p class="line-bubble">${message.text}</p>`;
    case "image":
      return html`<figure class="line-image">
        <img src="${message.previewImageUrl ?? message.originalContentUrl}" alt="${labels.image}" />
      </figure>`;
    case "flex": {
      const contents = message.contents as unknown as FlexNode;
      const drawn =
        contents.type === "carousel"
          ? html`<div class="flex-carousel">
              ${(Array.isArray(contents.contents) ? contents.contents : []).map((bubble) =>
                drawBubble(bubble as FlexNode),
              )}
            </div>`
          : drawBubble(contents);
      return /class="flex-(?:text|image|button|separator)/.test(drawn.value)
        ? drawn
        : html`<p class="line-bubble hint">${labels.emptyFlex}</p>`;
    }
    default:
      return html``;
  }
}

function quickReplies(last: Message | undefined): Html | "" {
  const items = (last as { quickReply?: { items?: Array<{ action?: { label?: string } }> } } | undefined)
    ?.quickReply?.items;
  if (!items?.length) return "";
  return html`<div class="line-quick">
    ${items.map((item) => html`<span class="line-quick-item">${item.action?.label ?? ""}</span>`)}
  </div>`;
}

/** The part of Flex JSON the preview reads; the schema keeps the rest (LINE validates it on send). */
interface FlexNode {
  type?: string;
  contents?: unknown;
  header?: FlexNode;
  hero?: FlexNode;
  body?: FlexNode;
  footer?: FlexNode;
  layout?: string;
  text?: string;
  url?: string;
  size?: string;
  weight?: string;
  color?: string;
  backgroundColor?: string;
  align?: string;
  wrap?: boolean;
  flex?: number;
  spacing?: string;
  margin?: string;
  paddingAll?: string;
  style?: string;
  aspectMode?: string;
  action?: { label?: string };
}

const namedSizes = new Set(["xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl", "full"]);
const namedSpaces = new Set(["none", "xs", "sm", "md", "lg", "xl", "xxl"]);

function drawBubble(bubble: FlexNode): Html {
  if (!bubble || bubble.type !== "bubble") return html``;
  const block = (name: "header" | "hero" | "body" | "footer") => {
    const node = bubble[name];
    if (!node) return "";
    return html`<div class="flex-block flex-${name} ${colourClass("bg", node.backgroundColor)}">
      ${drawComponent(node)}
    </div>`;
  };
  return html`<div class="flex-bubble">
    ${block("header")}${block("hero")}${block("body")}${block("footer")}
  </div>`;
}

function drawComponent(node: FlexNode, parentLayout = "vertical", depth = 0): Html {
  // Flex JSON nests at most a few levels in practice; a deeper one is not drawn (it cannot hang the page).
  if (!node || typeof node !== "object" || depth > 12) return html``;
  const common = [
    typeof node.flex === "number" ? `flex-w${Math.max(0, Math.min(Math.round(node.flex), 5))}` : "",
    node.margin && namedSpaces.has(node.margin) ? `flex-m-${node.margin}` : "",
    `in-${parentLayout}`,
  ].join(" ");
  switch (node.type) {
    case "box": {
      const layout = ["horizontal", "baseline"].includes(node.layout ?? "") ? node.layout! : "vertical";
      const children = Array.isArray(node.contents) ? (node.contents as FlexNode[]) : [];
      return html`<div
        class="flex-box flex-${layout} ${
          node.spacing && namedSpaces.has(node.spacing) ? `flex-gap-${node.spacing}` : ""
        } ${
          node.paddingAll && namedSpaces.has(node.paddingAll) ? `flex-p-${node.paddingAll}` : ""
        } ${colourClass("bg", node.backgroundColor)} ${common}"
      >
        ${children.map((child) => drawComponent(child, layout, depth + 1))}
      </div>`;
    }
    case "text":
      return html`<p
        class="flex-text flex-size-${namedSizes.has(node.size ?? "") ? node.size! : "md"} ${
          node.weight === "bold" ? "flex-bold" : ""
        } ${["center", "end"].includes(node.align ?? "") ? `flex-align-${node.align}` : ""} ${
          node.wrap ? "flex-wrap" : ""
        } ${colourClass("fc", node.color)} ${common}"
      >
        ${node.text ?? ""}
      </p>`;
    case "image":
      return typeof node.url === "string"
        ? html`<img
            class="flex-image ${node.aspectMode === "cover" ? "flex-cover" : ""} ${common}"
            src="${node.url}"
            alt=""
          />`
        : html``;
    case "button":
      return html`<span
        class="flex-button flex-button-${
          ["primary", "secondary"].includes(node.style ?? "") ? node.style! : "link"
        } ${colourClass(node.style === "link" || !node.style ? "fc" : "bg", node.color)} ${common}"
        >${node.action?.label ?? ""}</span
      >`;
    case "separator":
      return html`<hr class="flex-separator ${common}" />`;
    case "filler":
    case "spacer":
      return html`<span class="flex-filler ${common}"></span>`;
    default:
      return html``;
  }
}

/** A #RRGGBB(AA) colour as the nearest of 64 palette classes; nothing for anything else. */
export function colourClass(prefix: "fc" | "bg", colour: string | undefined): string {
  const match = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})(?:[0-9a-f]{2})?$/i.exec(colour ?? "");
  if (!match) return "";
  const level = (hex: string) => Math.round((parseInt(hex, 16) / 255) * 3);
  return `${prefix}-${level(match[1]!)}${level(match[2]!)}${level(match[3]!)}`;
}

/** The palette the classes above use (appended to the console's stylesheet). */
export function paletteCss(): string {
  const rules: string[] = [];
  const channel = (level: number) => Math.round((level * 255) / 3);
  for (let r = 0; r < 4; r++)
    for (let g = 0; g < 4; g++)
      for (let b = 0; b < 4; b++) {
        const rgb = `rgb(${channel(r)},${channel(g)},${channel(b)})`;
        rules.push(`.fc-${r}${g}${b}{color:${rgb}}.bg-${r}${g}${b}{background-color:${rgb}}`);
      }
  return rules.join("\n");
}
