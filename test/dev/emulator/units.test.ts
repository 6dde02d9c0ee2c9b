import { ChatDirectory, DEFAULT_CHATS, stableId } from "../../../src/dev/emulator/chats";
import { bareContentType, fileNameFrom, MediaStore, mediaKindOf } from "../../../src/dev/emulator/media";
import { ChatLogs, timeline } from "../../../src/dev/emulator/transcript";
import type { Delivery } from "../../../src/dev/line-platform";

describe("chat directory", () => {
  it("when built twice from the same specs, then the user and group ids are the same (they survive restarts)", () => {
    const first = new ChatDirectory(DEFAULT_CHATS).known().map((chat) => chat.target);
    const second = new ChatDirectory(DEFAULT_CHATS).known().map((chat) => chat.target);

    expect(first).toEqual(second);
    expect(first.every((id) => /^[UC][0-9a-f]{32}$/.test(id))).toBe(true);
  });

  it("when a group names an unknown member, then building fails with the group's key", () => {
    expect(
      () => new ChatDirectory([{ kind: "group", key: "group-x", displayName: "x", memberKey: "nobody" }]),
    ).toThrow(/group-x/);
  });

  it("when two chats share a key, then building fails", () => {
    const person = { kind: "citizen", key: "citizen-a", displayName: "a", language: "th" } as const;

    expect(() => new ChatDirectory([person, person])).toThrow(/used twice/);
  });

  it("when a LINE id that is no persona is looked up, then it is a read-only observed chat", () => {
    const directory = new ChatDirectory(DEFAULT_CHATS);
    const id = stableId("U", "someone-else");

    expect(directory.find(id)).toMatchObject({ kind: "other", target: id });
    expect(directory.find("not-a-chat")).toBeUndefined();
  });
});

describe("timeline", () => {
  const at = (ms: number): string => new Date(Date.UTC(2025, 0, 1) + ms).toISOString();
  const reply = (ms: number, text: string): Delivery => ({
    to: "U1",
    via: "reply",
    messages: [{ type: "text", text }],
    at: at(ms),
  });

  it("when the user's message and the bot's reply have the same time, then the user's comes first", () => {
    const logs = new ChatLogs(10);
    logs.append("c", {
      from: "user",
      at: at(5),
      userId: "U1",
      senderName: "a",
      message: { type: "text", text: "q" },
    });

    const entries = timeline([reply(5, "a")], "U1", logs.entries("c"));

    expect(entries.map((entry) => entry.from)).toEqual(["user", "bot"]);
  });

  it("when deliveries to other chats exist, then only the chat's own are merged, in time order", () => {
    const logs = new ChatLogs(10);
    logs.append("c", { from: "system", at: at(2), level: "info", text: "follow" });
    const other: Delivery = { ...reply(1, "not mine"), to: "U2" };

    const entries = timeline([reply(1, "first"), other, reply(3, "third")], "U1", logs.entries("c"));

    expect(entries.map((entry) => (entry.from === "bot" ? entry.message : entry.from))).toEqual([
      { type: "text", text: "first" },
      "system",
      { type: "text", text: "third" },
    ]);
  });

  it("when a chat's log is over its limit, then the oldest entries are dropped", () => {
    const logs = new ChatLogs(2);
    for (const text of ["1", "2", "3"]) logs.append("c", { from: "system", at: at(0), level: "info", text });

    expect(logs.entries("c").map((entry) => entry.from === "system" && entry.text)).toEqual(["2", "3"]);
  });
});

describe("uploads", () => {
  it("when a type is image, video or audio, then it is sent as that media unless asked to send as a file", () => {
    expect(
      ["image/png", "video/mp4", "audio/mpeg", "application/pdf"].map((t) => mediaKindOf(t, false)),
    ).toEqual(["image", "video", "audio", "file"]);
    expect(mediaKindOf("image/png", true)).toBe("file");
  });

  it("when the content type has parameters or is garbage, then the bare type or octet-stream is used", () => {
    expect(bareContentType("Image/PNG; charset=binary")).toBe("image/png");
    expect(bareContentType("nonsense")).toBe("application/octet-stream");
    expect(bareContentType(undefined)).toBe("application/octet-stream");
  });

  it("when a file name is URI-encoded Thai with a path, then the decoded base name is kept", () => {
    expect(fileNameFrom(encodeURIComponent("C:\\เอกสาร\\ใบเสร็จ.pdf"))).toBe("ใบเสร็จ.pdf");
    expect(fileNameFrom("%E0%A4")).toBe("%E0%A4");
    expect(fileNameFrom("\u0000\u0001")).toBe("file");
  });

  it("when the store is over its size, then the oldest uploads are evicted", () => {
    const store = new MediaStore(10);
    const first = store.put(Buffer.alloc(6), "image/png")!;
    const second = store.put(Buffer.alloc(6), "image/png")!;

    expect([store.get(first), store.get(second)?.bytes.length]).toEqual([undefined, 6]);
    expect(store.put(Buffer.alloc(11), "image/png")).toBeUndefined();
  });
});
