import net from "node:net";
import type { Config } from "../config";
import type { Logger } from "../log";
import { startService, type Service } from "../service";
import { createFakeLinePlatform } from "./line-platform";
import { createEmulatorRouter } from "./emulator";
import { stableId } from "./emulator/chats";
import { NATIONAL_QUEUE_GROUP_KEY, seedNationalQueue } from "./national-queue";

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
  const service = await startService(
    { ...config, port, line: { ...config.line, apiBaseUrl: base, dataApiBaseUrl: base } },
    { logger, extraRouters: [platform.router, createEmulatorRouter(platform)] },
  );
  stops.push(() => service.stop());
  platform.setWebhookUrl(`${service.url}/webhook`);
  await seedNationalQueue(service, stableId("C", NATIONAL_QUEUE_GROUP_KEY), logger);
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
