import {
  createFakeLinePlatform,
  fakeGroupId,
  fakeUserId,
  type FakeLinePlatform,
} from "../../../src/dev/line-platform";

let platform: FakeLinePlatform;
let baseUrl: string;

const get = (path: string) => fetch(`${baseUrl}${path}`);
const post = (path: string, body: unknown) =>
  fetch(`${baseUrl}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(body),
  });

beforeEach(async () => {
  platform = createFakeLinePlatform({ channelSecret: "secret" });
  baseUrl = await platform.listen();
});

afterEach(async () => {
  await platform.close();
});

describe("content", () => {
  it("when content was put for a message, then GET content answers its bytes with its content type", async () => {
    platform.putContent("100001", Buffer.from("PNGDATA"), "image/png");

    const response = await get("/v2/bot/message/100001/content");

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/png");
    expect(Buffer.from(await response.arrayBuffer()).toString()).toBe("PNGDATA");
  });

  it("when the message id is unknown, then GET content answers 404 not found", async () => {
    const response = await get("/v2/bot/message/999/content");

    expect([response.status, await response.json()]).toEqual([404, { message: "not found" }]);
  });

  it("when the user unsent the message, then GET content answers 410", async () => {
    platform.putContent("100002", Buffer.from("x"), "image/jpeg", { gone: true });

    const response = await get("/v2/bot/message/100002/content");

    expect(response.status).toBe(410);
  });

  it("when content is still being prepared, then GET content answers 202 that many times and then the bytes", async () => {
    platform.putContent("100003", Buffer.from("MP4"), "video/mp4", { preparingPolls: 2 });

    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await get("/v2/bot/message/100003/content")).status);

    expect(statuses).toEqual([202, 202, 200]);
  });

  it("when content is being prepared, then transcoding answers processing until it has succeeded", async () => {
    platform.putContent("100004", Buffer.from("MP4"), "video/mp4", { preparingPolls: 1 });

    const first = await (await get("/v2/bot/message/100004/content/transcoding")).json();
    const second = await (await get("/v2/bot/message/100004/content/transcoding")).json();

    expect([first, second]).toEqual([{ status: "processing" }, { status: "succeeded" }]);
  });

  it("when a video is sent with preparingPolls, then its content answers 202 first", async () => {
    const event = platform.videoFrom(fakeUserId(), Buffer.from("MP4"), { preparingPolls: 1 });

    expect((await get(`/v2/bot/message/${event.message.id}/content`)).status).toBe(202);
  });
});

describe("profile", () => {
  it("when a profile was set, then GET profile answers it with the user id", async () => {
    const userId = fakeUserId();
    platform.setProfile(userId, { displayName: "สมชาย", language: "th" });

    const response = await get(`/v2/bot/profile/${userId}`);

    expect(await response.json()).toEqual({ userId, displayName: "สมชาย", language: "th" });
  });

  it("when no profile was set, then GET profile answers 404 Not found", async () => {
    const response = await get(`/v2/bot/profile/${fakeUserId()}`);

    expect([response.status, await response.json()]).toEqual([404, { message: "Not found" }]);
  });
});

describe("loading animation", () => {
  it("when started for a user, then LINE answers 202 {}", async () => {
    const response = await post("/v2/bot/chat/loading/start", { chatId: fakeUserId(), loadingSeconds: 10 });

    expect([response.status, await response.json()]).toEqual([202, {}]);
  });

  it("when loadingSeconds is left out, then the default applies and LINE answers 202", async () => {
    const response = await post("/v2/bot/chat/loading/start", { chatId: fakeUserId() });

    expect(response.status).toBe(202);
  });

  it("when started for a group, then LINE answers 400 Only user id is acceptable", async () => {
    const response = await post("/v2/bot/chat/loading/start", { chatId: fakeGroupId(), loadingSeconds: 10 });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^Only user id is acceptable/);
  });

  it("when loadingSeconds is not a multiple of five, then LINE answers 400 with that detail", async () => {
    const response = await post("/v2/bot/chat/loading/start", { chatId: fakeUserId(), loadingSeconds: 7 });

    expect(await response.json()).toEqual({
      message: "The request body has 1 error(s)",
      details: [{ message: "must be a multiple of five", property: "loadingSeconds" }],
    });
  });

  it("when loadingSeconds is over 60, then LINE answers 400 Must be between 5 and 60", async () => {
    const response = await post("/v2/bot/chat/loading/start", { chatId: fakeUserId(), loadingSeconds: 65 });

    expect(((await response.json()) as { details: unknown }).details).toEqual([
      { message: "Must be between 5 and 60", property: "loadingSeconds" },
    ]);
  });
});

describe("mark as read", () => {
  it("when the token was never handed to the bot, then LINE answers 400", async () => {
    const response = await post("/v2/bot/chat/markAsRead", { markAsReadToken: "made-up" });

    expect(response.status).toBe(400);
    expect(((await response.json()) as { message: string }).message).toMatch(/^Invalid markAsReadToken/);
  });
});
