import path from "node:path";
import { messagingApi } from "@line/bot-sdk";
import type { webhook } from "@line/bot-sdk";
import { loadTranslator } from "../../../src/i18n";
import { menus } from "../../../src/rich-menu/menus";
import { committedImage } from "../../../src/rich-menu/images";
import { syncRichMenus, type SyncReport } from "../../../src/rich-menu/sync";
import { CHANNEL_ACCESS_TOKEN, eventually, startEmulatorApp, type EmulatorApp } from "./emulator-app";

const texts = loadTranslator(path.join(__dirname, "../../../locales"));
let app: EmulatorApp;
let report: SyncReport;

beforeEach(async () => {
  app = await startEmulatorApp();
  const options = { channelAccessToken: CHANNEL_ACCESS_TOKEN, baseURL: app.base };
  report = await syncRichMenus({
    api: new messagingApi.MessagingApiClient(options),
    images: new messagingApi.MessagingApiBlobClient(options),
    texts,
    definitions: menus,
    imageOf: (menu) => committedImage(menu, texts),
  });
});

afterEach(() => app.close());

const idOf = (key: string) => report.menus.find((menu) => menu.key === key)!.richMenuId;

interface RichMenuAnswer {
  richMenu: null | {
    richMenuId: string;
    chatBarText: string;
    imageUrl: string;
    source: string;
    areas: Array<{ action: { type: string; label?: string } }>;
  };
}

const richMenuOf = async (chat: string) =>
  (await (await app.get(`/dev/emulator/api/chats/${chat}/richmenu`)).json()) as RichMenuAnswer;

describe("the rich menu in the emulator", () => {
  it("when a citizen's chat is opened, then the API gives the default menu with its areas and its image", async () => {
    const { richMenu } = await richMenuOf("citizen-somchai");
    expect(richMenu).toMatchObject({
      richMenuId: idOf("citizen-th"),
      source: "default",
      chatBarText: "เมนูหลัก",
    });
    expect(richMenu!.areas.map((area) => area.action.label)).toContain("แจ้งเบาะแส");

    const image = await app.get(`/dev/emulator/api/chats/citizen-somchai/${richMenu!.imageUrl}`);
    expect(image.status).toBe(200);
    expect(image.headers.get("content-type")).toBe("image/png");
    expect(
      Buffer.from(await image.arrayBuffer())
        .subarray(1, 4)
        .toString("latin1"),
    ).toBe("PNG");
  });

  it("when the group chat is opened, then there is no rich menu: LINE shows them in 1:1 chats only", async () => {
    expect(await richMenuOf("group-mueang")).toEqual({ richMenu: null });
    expect((await app.get("/dev/emulator/api/chats/group-mueang/image")).status).toBe(404);
  });

  it("when the language area is tapped, then LINE's switch shows the English menu and the bot gets the postback with its outcome", async () => {
    const response = await app.post("/dev/emulator/api/chats/citizen-somchai/richmenu-switch", {
      richMenuAliasId: "tipline-citizen-en",
      data: "c=language&v=en",
    });
    expect(response.status).toBe(200);
    const event = await eventually(() =>
      app.bot.events.find((candidate): candidate is webhook.PostbackEvent => candidate.type === "postback"),
    );
    expect(event.postback).toEqual({
      data: "c=language&v=en",
      params: { newRichMenuAliasId: "tipline-citizen-en", status: "SUCCESS" },
    });
    expect((await richMenuOf("citizen-somchai")).richMenu).toMatchObject({
      richMenuId: idOf("citizen-en"),
      source: "user",
    });
  });

  it("when the switch names an alias the channel lacks, then the menu stays and the bot is told RICHMENU_ALIAS_ID_NOTFOUND", async () => {
    await app.post("/dev/emulator/api/chats/citizen-somchai/richmenu-switch", {
      richMenuAliasId: "no-such-menu",
      data: "c=language&v=en",
    });
    const event = await eventually(() =>
      app.bot.events.find((candidate): candidate is webhook.PostbackEvent => candidate.type === "postback"),
    );
    expect(event.postback.params).toEqual({ status: "RICHMENU_ALIAS_ID_NOTFOUND" });
    expect((await richMenuOf("citizen-somchai")).richMenu?.richMenuId).toBe(idOf("citizen-th"));
  });

  it("when the switch body is incomplete, then 400 and no webhook", async () => {
    const response = await app.post("/dev/emulator/api/chats/citizen-somchai/richmenu-switch", { data: "x" });
    expect(response.status).toBe(400);
    expect(app.bot.events).toEqual([]);
  });
});

describe("the favicon", () => {
  it("when a browser asks /favicon.ico, then it gets an icon instead of a 404", async () => {
    const response = await app.get("/favicon.ico");
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/x-icon");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect([bytes.readUInt16LE(0), bytes.readUInt16LE(2), bytes.readUInt16LE(4)]).toEqual([0, 1, 1]);
  });
});
