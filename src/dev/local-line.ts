import net from "node:net";
import { messagingApi } from "@line/bot-sdk";
import type { Config } from "../config";
import type { Logger } from "../log";
import { startService, type Service } from "../service";
import { createFakeLinePlatform } from "./line-platform";
import { createEmulatorRouter } from "./emulator";
import { createDevClock } from "./dev-clock";
import { stableId } from "./emulator/chats";
import { NATIONAL_QUEUE_GROUP_KEY, seedNationalQueue } from "./national-queue";
import { menus } from "../rich-menu/menus";
import { committedImage } from "../rich-menu/images";
import { syncRichMenus } from "../rich-menu/sync";

/**
 * Local mode's LINE: the fake platform is mounted on the bot's own HTTP server (the SDK serves
 * /v2/bot/... from the root of its base URL), and it posts signed webhooks back to /webhook — the
 * same path production takes, with no credentials.
 */
export async function startLocalLine(
  config: Config,
  logger: Logger,
  stops: Array<() => Promise<void>>,
): Promise<Service> {
  const platform = createFakeLinePlatform({
    channelSecret: config.line.channelSecret,
    channelAccessToken: config.line.channelAccessToken,
  });
  // The SDK clients are created with the base URL, so the port must be known before the server starts.
  const port = config.port === 0 ? await findFreePort() : config.port;
  const base = `http://127.0.0.1:${port}`;
  const clock = createDevClock();
  // The clock's routes are mounted before the service they sweep exists.
  const started: { service?: Service } = {};
  const service = await startService(
    { ...config, port, line: { ...config.line, apiBaseUrl: base, dataApiBaseUrl: base } },
    {
      logger,
      now: clock.now,
      extraRouters: [platform.router, createEmulatorRouter(platform), clock.router(() => started.service)],
      // Webhooks signed with the dev channel secret by outside tools reply like the emulator's own.
      onSignedWebhookEvents: (events) => platform.acceptSignedEvents(events),
    },
  );
  started.service = service;
  stops.push(() => service.stop());
  platform.setWebhookUrl(`${service.url}/webhook`);
  await seedNationalQueue(service, stableId("C", NATIONAL_QUEUE_GROUP_KEY), logger);
  await setUpRichMenus(service, config.line.channelAccessToken, base, logger);
  logger.warn(
    {
      url: service.url,
      emulator: `${service.url}/dev/emulator`,
      calls: `${service.url}/dev/line/calls`,
      devChannelSecret: config.line.channelSecret,
    },
    "local mode: fake LINE platform ready (sign webhooks with this channel secret)",
  );
  return service;
}

/**
 * The same sync an operator runs against a real channel (scripts/rich-menu.ts), so the emulator shows
 * the real menus. A failure is logged, not fatal: the chat works without a menu.
 */
async function setUpRichMenus(service: Service, token: string, base: string, logger: Logger): Promise<void> {
  const texts = service.context.texts;
  try {
    const report = await syncRichMenus({
      api: new messagingApi.MessagingApiClient({ channelAccessToken: token, baseURL: base }),
      images: new messagingApi.MessagingApiBlobClient({ channelAccessToken: token, baseURL: base }),
      texts,
      definitions: menus,
      imageOf: (menu) => committedImage(menu, texts),
    });
    logger.info({ defaultRichMenuId: report.defaultRichMenuId }, "local mode: rich menus set");
  } catch (error) {
    logger.warn({ err: error }, "local mode: could not set the rich menus");
  }
}

function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once("error", reject);
    probe.listen(0, "127.0.0.1", () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
