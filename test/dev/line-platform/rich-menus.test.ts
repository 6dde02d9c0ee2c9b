import { HTTPFetchError, messagingApi } from "@line/bot-sdk";
import sharp from "sharp";
import { createFakeLinePlatform, fakeUserId, type FakeLinePlatform } from "../../../src/dev/line-platform";

const token = "test-channel-access-token";
let platform: FakeLinePlatform;
let client: messagingApi.MessagingApiClient;
let blob: messagingApi.MessagingApiBlobClient;
let baseUrl: string;

const png = (width: number, height: number, noise = false) =>
  noise
    ? sharp(Buffer.from(Array.from({ length: width * height * 3 }, () => Math.floor(Math.random() * 256))), {
        raw: { width, height, channels: 3 },
      })
        .png({ compressionLevel: 0 })
        .toBuffer()
    : sharp({ create: { width, height, channels: 3, background: "#06c755" } })
        .png()
        .toBuffer();

const menuBody = (overrides: Record<string, unknown> = {}): messagingApi.RichMenuRequest => ({
  size: { width: 2500, height: 843 },
  selected: true,
  name: "citizen-th",
  chatBarText: "เมนู",
  areas: [
    {
      bounds: { x: 0, y: 0, width: 1250, height: 843 },
      action: { type: "postback", data: "c=report", displayText: "แจ้งเบาะแส", label: "แจ้งเบาะแส" },
    },
    {
      bounds: { x: 1250, y: 0, width: 1250, height: 843 },
      action: { type: "richmenuswitch", richMenuAliasId: "citizen-en", data: "c=language&v=en" },
    },
  ],
  ...overrides,
});

/** LINE's answer to a failed SDK call: status and parsed body. */
async function failure(
  promise: Promise<unknown>,
): Promise<{ status: number; body: Record<string, unknown> }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof HTTPFetchError) return { status: error.status, body: JSON.parse(error.body) };
    throw error;
  }
  throw new Error("expected LINE to refuse");
}

async function upload(richMenuId: string, bytes: Buffer, type = "image/png") {
  return blob.setRichMenuImage(richMenuId, new Blob([new Uint8Array(bytes)], { type }));
}

async function menuWithImage(overrides: Record<string, unknown> = {}): Promise<string> {
  const { richMenuId } = await client.createRichMenu(menuBody(overrides));
  const size = (overrides["size"] as { width: number; height: number } | undefined) ?? {
    width: 2500,
    height: 843,
  };
  await upload(richMenuId, await png(size.width, size.height));
  return richMenuId;
}

beforeEach(async () => {
  platform = createFakeLinePlatform({ channelSecret: "secret", channelAccessToken: token });
  baseUrl = await platform.listen();
  client = new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: baseUrl });
  blob = new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL: baseUrl });
});

afterEach(() => platform.close());

describe("creating a rich menu", () => {
  it("when a valid menu is created, given its image and made the default, then the SDK reads it back as LINE answers", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    expect(richMenuId).toMatch(/^richmenu-[0-9a-f]{32}$/);
    await upload(richMenuId, await png(2500, 843));
    await client.setDefaultRichMenu(richMenuId);

    expect(await client.getDefaultRichMenuId()).toEqual({ richMenuId });
    expect(await client.getRichMenu(richMenuId)).toEqual({ richMenuId, ...menuBody() });
    expect((await client.getRichMenuList()).richmenus.map((menu) => menu.richMenuId)).toEqual([richMenuId]);
    const image = await blob.getRichMenuImageWithHttpInfo(richMenuId);
    expect(image.httpResponse.headers.get("content-type")).toMatch(/^image\/png/);
    image.body.resume();
  });

  it.each([
    ["a width under 800", { size: { width: 799, height: 540 } }, "size.width"],
    ["a width over 2500", { size: { width: 2501, height: 843 } }, "size.width"],
    ["a height under 250", { size: { width: 800, height: 249 } }, "size.height"],
    ["an aspect ratio under 1.45", { size: { width: 1200, height: 1000 } }, "size"],
    ["no name", { name: undefined }, "name"],
    ["a name over 300 characters", { name: "x".repeat(301) }, "name"],
    ["a chat bar text over 14 characters", { chatBarText: "แตะที่นี่เพื่อเปิดเมนู" }, "chatBarText"],
    ["no selected flag", { selected: undefined }, "selected"],
    ["no areas", { areas: [] }, "areas"],
    [
      "21 areas",
      {
        areas: Array.from({ length: 21 }, (_, i) => ({
          bounds: { x: i * 100, y: 0, width: 100, height: 100 },
          action: { type: "message", text: "x" },
        })),
      },
      "areas",
    ],
    [
      "an area outside the menu",
      {
        areas: [
          { bounds: { x: 2000, y: 0, width: 600, height: 843 }, action: { type: "message", text: "x" } },
        ],
      },
      "areas[0].bounds",
    ],
    [
      "a camera action, which rich menus do not offer",
      {
        areas: [{ bounds: { x: 0, y: 0, width: 100, height: 100 }, action: { type: "camera", label: "x" } }],
      },
      "areas[0].action.type",
    ],
    [
      "a label over 20 graphemes",
      {
        areas: [
          {
            bounds: { x: 0, y: 0, width: 100, height: 100 },
            action: { type: "message", text: "x", label: "ตรวจสอบสถานะเรื่องที่แจ้งไว้แล้ว" },
          },
        ],
      },
      "areas[0].action.label",
    ],
    [
      "postback data over 300 characters",
      {
        areas: [
          {
            bounds: { x: 0, y: 0, width: 100, height: 100 },
            action: { type: "postback", data: "x".repeat(301) },
          },
        ],
      },
      "areas[0].action.data",
    ],
  ])(
    "when the menu has %s, then create and validate both answer 400 naming %s",
    async (_what, overrides, property) => {
      const body = menuBody(overrides as Record<string, unknown>);
      for (const attempt of [client.createRichMenu(body), client.validateRichMenuObject(body)]) {
        const { status, body: answer } = await failure(attempt);
        expect(status).toBe(400);
        expect(answer["message"]).toMatch(/^The request body has \d+ error\(s\)$/);
        expect(answer["details"]).toEqual(expect.arrayContaining([expect.objectContaining({ property })]));
      }
      expect((await client.getRichMenuList()).richmenus).toEqual([]);
    },
  );

  it("when a valid menu is validated, then LINE answers 200 {} and creates nothing", async () => {
    expect(await client.validateRichMenuObject(menuBody())).toEqual({});
    expect((await client.getRichMenuList()).richmenus).toEqual([]);
  });
});

describe("the rich menu image", () => {
  it("when the content type is neither PNG nor JPEG, then 415", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    const { status } = await failure(upload(richMenuId, await png(2500, 843), "image/gif"));
    expect(status).toBe(415);
  });

  it("when the image is over 1 MB, then 400 and the menu stays without an image", async () => {
    const small = {
      size: { width: 800, height: 540 },
      areas: [{ bounds: { x: 0, y: 0, width: 800, height: 540 }, action: { type: "message", text: "x" } }],
    };
    const { richMenuId } = await client.createRichMenu(menuBody(small));
    const big = await png(800, 540, true);
    expect(big.length).toBeGreaterThan(1024 * 1024);
    const { status, body } = await failure(upload(richMenuId, big));
    expect({ status, message: body["message"] }).toEqual({
      status: 400,
      message: "The image size is not allowed for richmenu",
    });
    expect((await failure(blob.getRichMenuImage(richMenuId))).status).toBe(404);
  });

  it("when a JPEG of the menu's size is uploaded, then it is accepted and served back as JPEG", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    const jpeg = await sharp({ create: { width: 2500, height: 843, channels: 3, background: "#1f3b63" } })
      .jpeg({ progressive: true })
      .toBuffer();
    await upload(richMenuId, jpeg, "image/jpeg");
    const image = await blob.getRichMenuImageWithHttpInfo(richMenuId);
    expect(image.httpResponse.headers.get("content-type")).toMatch(/^image\/jpeg/);
    image.body.resume();
  });

  it("when the bytes are not the image they claim to be, then 400", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    expect((await failure(upload(richMenuId, Buffer.from("not a picture"), "image/png"))).status).toBe(400);
  });

  it("when the image's size differs from the menu's, then 400", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    expect((await failure(upload(richMenuId, await png(2500, 1686)))).status).toBe(400);
  });

  it("when a second image is uploaded, then 400: a rich menu's image can't be replaced", async () => {
    const richMenuId = await menuWithImage();
    const { status, body } = await failure(upload(richMenuId, await png(2500, 843)));
    expect({ status, message: body["message"] }).toEqual({
      status: 400,
      message: "An image has already been uploaded to the richmenu",
    });
  });

  it("when the menu does not exist, then 404", async () => {
    const missing = `richmenu-${"0".repeat(32)}`;
    expect((await failure(upload(missing, await png(2500, 843)))).status).toBe(404);
  });
});

describe("default and per-user menus", () => {
  it("when there is no default, then GET /v2/bot/user/all/richmenu answers 404 'no default richmenu'", async () => {
    const { status, body } = await failure(client.getDefaultRichMenuId());
    expect({ status, message: body["message"] }).toEqual({ status: 404, message: "no default richmenu" });
  });

  it("when a menu has no image yet, then it can be neither the default nor linked to a user", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    const message = "must upload richmenu image before applying it to user";
    expect((await failure(client.setDefaultRichMenu(richMenuId))).body["message"]).toBe(message);
    expect((await failure(client.linkRichMenuIdToUser(fakeUserId(), richMenuId))).body["message"]).toBe(
      message,
    );
  });

  it("when a menu is linked to a user, then that user sees it instead of the default, until unlinked", async () => {
    const standard = await menuWithImage({ name: "default" });
    const special = await menuWithImage({ name: "special" });
    await client.setDefaultRichMenu(standard);
    const user = fakeUserId();

    expect((await failure(client.getRichMenuIdOfUser(user))).body["message"]).toBe(
      "the user has no richmenu",
    );
    expect(platform.richMenuFor(user)).toMatchObject({ source: "default", menu: { richMenuId: standard } });

    await client.linkRichMenuIdToUser(user, special);
    expect(await client.getRichMenuIdOfUser(user)).toEqual({ richMenuId: special });
    expect(platform.richMenuFor(user)).toMatchObject({ source: "user", menu: { richMenuId: special } });
    expect(platform.richMenuFor(fakeUserId())?.menu.richMenuId).toBe(standard);

    await client.unlinkRichMenuIdFromUser(user);
    expect(platform.richMenuFor(user)?.menu.richMenuId).toBe(standard);
  });

  it("when the user id is not a LINE user id, then link answers 400", async () => {
    const richMenuId = await menuWithImage();
    const { status, body } = await failure(client.linkRichMenuIdToUser("not-a-user", richMenuId));
    expect({ status, message: body["message"] }).toEqual({
      status: 400,
      message: "The value for the 'userId' parameter is invalid",
    });
  });

  it("when a menu is deleted, then the default, links and aliases that pointed at it are gone", async () => {
    const richMenuId = await menuWithImage();
    const user = fakeUserId();
    await client.setDefaultRichMenu(richMenuId);
    await client.linkRichMenuIdToUser(user, richMenuId);
    await client.createRichMenuAlias({ richMenuAliasId: "citizen-th", richMenuId });

    await client.deleteRichMenu(richMenuId);
    expect((await failure(client.getRichMenu(richMenuId))).status).toBe(404);
    expect((await failure(client.getDefaultRichMenuId())).status).toBe(404);
    expect((await failure(client.getRichMenuIdOfUser(user))).status).toBe(404);
    expect(await client.getRichMenuAliasList()).toEqual({ aliases: [] });
    expect((await failure(client.deleteRichMenu(richMenuId))).status).toBe(404);
  });
});

describe("aliases", () => {
  it("when an alias is created, updated, read and deleted, then LINE answers each as documented", async () => {
    const first = await menuWithImage();
    const second = await menuWithImage();
    await client.createRichMenuAlias({ richMenuAliasId: "citizen-th", richMenuId: first });
    expect(await client.getRichMenuAlias("citizen-th")).toEqual({
      richMenuAliasId: "citizen-th",
      richMenuId: first,
    });

    await client.updateRichMenuAlias("citizen-th", { richMenuId: second });
    expect(await client.getRichMenuAliasList()).toEqual({
      aliases: [{ richMenuAliasId: "citizen-th", richMenuId: second }],
    });

    await client.deleteRichMenuAlias("citizen-th");
    const { status, body } = await failure(client.getRichMenuAlias("citizen-th"));
    expect({ status, message: body["message"] }).toEqual({
      status: 404,
      message: "richmenu alias not found",
    });
  });

  it("when the alias id exists already, then 400 'conflict richmenu alias id'", async () => {
    const richMenuId = await menuWithImage();
    await client.createRichMenuAlias({ richMenuAliasId: "citizen-th", richMenuId });
    const { status, body } = await failure(
      client.createRichMenuAlias({ richMenuAliasId: "citizen-th", richMenuId }),
    );
    expect({ status, message: body["message"] }).toEqual({
      status: 400,
      message: "conflict richmenu alias id",
    });
  });

  it("when the alias id has capitals or is over 32 characters, then 400 naming richMenuAliasId", async () => {
    const richMenuId = await menuWithImage();
    for (const richMenuAliasId of ["Citizen", "x".repeat(33)]) {
      const { status, body } = await failure(client.createRichMenuAlias({ richMenuAliasId, richMenuId }));
      expect(status).toBe(400);
      expect(body["details"]).toEqual([expect.objectContaining({ property: "richMenuAliasId" })]);
    }
  });

  it("when the menu has no image, then the alias is refused with 'richmenu not found'", async () => {
    const { richMenuId } = await client.createRichMenu(menuBody());
    const { status, body } = await failure(
      client.createRichMenuAlias({ richMenuAliasId: "citizen-th", richMenuId }),
    );
    expect({ status, message: body["message"] }).toEqual({ status: 400, message: "richmenu not found" });
  });

  it("when a richmenuswitch names an alias, then the user sees its menu; an unknown alias changes nothing", async () => {
    const thai = await menuWithImage({ name: "th" });
    const english = await menuWithImage({ name: "en" });
    await client.setDefaultRichMenu(thai);
    await client.createRichMenuAlias({ richMenuAliasId: "citizen-en", richMenuId: english });
    const user = fakeUserId();

    expect(platform.switchRichMenu(user, "no-such-alias")).toBe("RICHMENU_ALIAS_ID_NOTFOUND");
    expect(platform.richMenuFor(user)?.menu.richMenuId).toBe(thai);
    expect(platform.switchRichMenu(user, "citizen-en")).toBe("SUCCESS");
    expect(platform.richMenuFor(user)?.menu.richMenuId).toBe(english);
  });
});

describe("bodies the rich menu endpoints do not read", () => {
  it("when link, unlink and delete are called without a body, as the SDK does, then nothing is refused as bad JSON", async () => {
    const richMenuId = await menuWithImage();
    const user = fakeUserId();
    const headers = { authorization: `Bearer ${token}` };
    const link = await fetch(`${baseUrl}/v2/bot/user/${user}/richmenu/${richMenuId}`, {
      method: "POST",
      headers,
    });
    expect(link.status).toBe(200);
    const unlink = await fetch(`${baseUrl}/v2/bot/user/${user}/richmenu`, { method: "DELETE", headers });
    expect(unlink.status).toBe(200);
    const recorded = platform.calls({ endpoint: "POST /v2/bot/richmenu/{richMenuId}/content" });
    expect(recorded[0]?.body).toEqual({ bytes: expect.any(Number) });
  });
});
