import type { Logger } from "../log";
import type { Service } from "../service";

/** The emulator's officer group that stands for the office's national queue (see chats.ts). */
export const NATIONAL_QUEUE_GROUP_KEY = "group-national";

/**
 * Local mode's national queue: enrolls the emulator's national group for the fallback route, so a
 * tip that no office's scope covers (anywhere outside an enrolled district, province or region)
 * visibly reaches someone in the emulator. Idempotent across restarts (the store is kept on disk);
 * a group an operator revoked on purpose stays revoked.
 */
export async function seedNationalQueue(service: Service, groupId: string, logger: Logger): Promise<void> {
  const { officers } = service.modules;
  if (await officers.directory.groupByChatId(groupId)) return;
  const now = service.context.now();
  const [issued] = await officers.directory.createCodes(
    {
      role: "officer",
      scope: { everywhere: false, provinceIds: [], districtIds: [], categories: [], fallback: true },
      label: "national queue (local mode)",
      expiresInMs: 60_000,
      count: 1,
    },
    now,
  );
  const enrolled = await officers.directory.enrollGroup("group", groupId, issued!.code, now);
  if (enrolled.ok)
    logger.info({ groupId: enrolled.enrolled._id }, "local mode: national queue group enrolled");
}
