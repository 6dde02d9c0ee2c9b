import vm from "node:vm";
import { PAGE_SCRIPT } from "../../../src/dev/emulator/page-script";
import { startEmulatorApp, type EmulatorApp } from "./emulator-app";

let app: EmulatorApp;

beforeEach(async () => {
  app = await startEmulatorApp();
});

afterEach(async () => {
  await app.close();
});

describe("the emulator page", () => {
  it("when /dev/emulator is opened, then it serves Thai-ready HTML with the banner and the config", async () => {
    const response = await app.get("/dev/emulator");
    const html = await response.text();

    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toMatch(/^text\/html; charset=utf-8/);
    expect(html).toContain('<html lang="th">');
    expect(html).toContain("Local emulator — not LINE");
    const config = JSON.parse(
      /<script type="application\/json" id="emulator-config">(.*?)<\/script>/s.exec(html)![1]!,
    ) as {
      basePath: string;
      locations: Array<{ title: string }>;
    };
    expect(config.basePath).toBe("/dev/emulator");
    expect(config.locations.map((place) => place.title)).toContain("ที่ว่าการอำเภอเมืองเชียงใหม่");
  });

  it("when the page is served, then it allows only its own scripts", async () => {
    const response = await app.get("/dev/emulator");

    expect(response.headers.get("content-security-policy")).toContain("script-src 'self'");
  });

  it("when the assets are fetched, then the script and the stylesheet come with their types", async () => {
    const script = await app.get("/dev/emulator/assets/emulator.js");
    const style = await app.get("/dev/emulator/assets/emulator.css");

    expect([script.status, script.headers.get("content-type")]).toEqual([
      200,
      "text/javascript; charset=utf-8",
    ]);
    expect([style.status, style.headers.get("content-type")]).toEqual([200, "text/css; charset=utf-8"]);
  });

  it("when the script is parsed, then it is valid JavaScript (no slip in the String.raw literal)", () => {
    expect(() => new vm.Script(PAGE_SCRIPT, { filename: "emulator.js" })).not.toThrow();
  });

  it("when a base path is given, then the page and its API live under it", async () => {
    await app.close();
    app = await startEmulatorApp({ basePath: "/emu/" });

    expect((await app.get("/emu")).status).toBe(200);
    expect((await app.get("/emu/api/chats")).status).toBe(200);
    expect((await app.get("/dev/emulator")).status).toBe(404);
  });
});
