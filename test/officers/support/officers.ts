import type { messagingApi } from "@line/bot-sdk";
import {
  fakeGroupId,
  fakeUserId,
  type ChatRef,
  type PartialWebhookEvent,
} from "../../../src/dev/line-platform";
import { officersOf, type Officers } from "../../../src/officers";
import type { OfficerRole } from "../../../src/officers/roles";
import type { Scope } from "../../../src/officers/scope";
import type { Tip } from "../../../src/tips/tip";
import type { Locale, TextArgs } from "../../../src/i18n";
import { startHarness, type Harness } from "../../support/harness";
import { TestUser, textOf } from "../../support/test-user";

type Message = messagingApi.Message & { quickReply?: messagingApi.QuickReply };

export interface OfficerHarness {
  harness: Harness;
  officers: Officers;
  /** Every accepted event processed and every queued notification sent. */
  settle(): Promise<void>;
  code(role: OfficerRole, scope: Partial<Scope>, label?: string): Promise<string>;
  stop(): Promise<void>;
}

/** The service with the officers module (jobs off: tests run them with their own clock). */
export async function startOfficerHarness(env?: Record<string, string>): Promise<OfficerHarness> {
  const harness = await startHarness({ env, service: { startJobs: false } });
  const feature = harness.service.features.find((candidate) => candidate.name === "officers");
  const officers = feature && officersOf(feature);
  if (!officers) throw new Error("the officers feature is not wired in src/features.ts");
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      await harness.settle();
      await officers.idle();
    }
  };
  return {
    harness,
    officers,
    settle,
    async code(role, scope, label) {
      const [issued] = await officers.directory.createCodes(
        {
          role,
          scope: {
            everywhere: false,
            provinceIds: [],
            districtIds: [],
            categories: [],
            fallback: false,
            ...scope,
          },
          label: label ?? null,
          expiresInMs: 86_400_000,
          count: 1,
        },
        harness.clock.now(),
      );
      return issued!.code;
    },
    stop: () => harness.stop(),
  };
}

/** A LINE chat as the bot sees it: a 1:1 chat with an officer, or an officer group. */
export class TestChat {
  readonly userId: string;
  readonly chatId: string;
  readonly locale: Locale;
  private seen = 0;
  private last: Message[] = [];

  constructor(
    private readonly env: OfficerHarness,
    options: { group?: boolean; userId?: string; language?: string } = {},
  ) {
    this.userId = options.userId ?? fakeUserId();
    this.chatId = options.group ? fakeGroupId() : this.userId;
    this.locale = options.language === "en" && !options.group ? "en" : "th";
    env.harness.platform.setProfile(this.userId, {
      displayName: "Officer",
      language: options.language ?? "th",
    });
  }

  /** A text in this chat's language (officers' profiles are Thai unless a test says otherwise). */
  t(key: string, args?: TextArgs): string {
    return this.env.harness.service.context.texts.t(this.locale, key, args);
  }

  private get chat(): ChatRef | undefined {
    return this.chatId === this.userId ? undefined : { groupId: this.chatId };
  }

  says(text: string, fromUserId = this.userId): Promise<Message[]> {
    return this.send(this.env.harness.platform.textFrom(fromUserId, text, this.chat));
  }

  taps(data: string, fromUserId = this.userId): Promise<Message[]> {
    return this.send(this.env.harness.platform.postbackFrom(fromUserId, data, undefined, this.chat));
  }

  joins(): Promise<Message[]> {
    return this.send(this.env.harness.platform.join({ groupId: this.chatId }));
  }

  async send(event: PartialWebhookEvent): Promise<Message[]> {
    const delivery = await this.env.harness.platform.sendWebhook([event]);
    if (delivery.status !== 200) throw new Error(`webhook answered ${delivery.status}`);
    await this.env.settle();
    return this.newMessages();
  }

  /** Messages that arrived since the last look (replies and pushes alike). */
  newMessages(): Message[] {
    const all = this.received();
    this.last = all.slice(this.seen);
    this.seen = all.length;
    return this.last;
  }

  received(): Message[] {
    return this.env.harness.platform
      .deliveries()
      .filter((delivery) => delivery.to === this.chatId)
      .flatMap((delivery) => delivery.messages as Message[]);
  }

  lastText(): string {
    return this.last.map(textOf).join("\n");
  }

  allText(): string {
    return this.received().map(textOf).join("\n");
  }
}

/** Postback data of every button (flex and quick reply) in some messages. */
export function postbacksIn(messages: unknown[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "postback" && typeof record.data === "string") found.push(record.data);
      Object.values(record).forEach(walk);
    }
  };
  walk(messages);
  return found;
}

export function urisIn(messages: unknown[]): string[] {
  const found: string[] = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach(walk);
    else if (node && typeof node === "object") {
      const record = node as Record<string, unknown>;
      if (record.type === "uri" && typeof record.uri === "string") found.push(record.uri);
      Object.values(record).forEach(walk);
    }
  };
  walk(messages);
  return found;
}

export interface ReportOptions {
  district?: string;
  optIn?: boolean;
  narrative?: string;
  image?: Buffer;
  language?: "th" | "en";
}

/** A citizen reports in Thai through the real conversation; returns the citizen and the stored tip. */
export async function citizenReports(
  env: OfficerHarness,
  options: ReportOptions = {},
): Promise<{ citizen: TestUser; tip: Tip }> {
  const citizen = new TestUser(env.harness);
  await citizen.says("แจ้งเบาะแส");
  await citizen.tapsLabel("choice-consent-yes");
  await citizen.tapsLabel("category-bribery");
  await citizen.tapsLabel("agency-local-government");
  await citizen.says("อบต.สันทรายหลวง");
  await citizen.says(options.district ?? "สันทราย");
  await citizen.says("เมื่อวาน");
  await citizen.says(options.narrative ?? "ปลัดเรียกเงินสามพันบาทเพื่อเร่งออกใบอนุญาตก่อสร้างให้เร็วขึ้น");
  await citizen.tapsLabel("choice-skip");
  if (options.image) {
    await citizen.sendsImage(options.image);
    await citizen.tapsLabel("choice-evidence-done");
  } else {
    await citizen.tapsLabel("choice-evidence-none");
  }
  if (options.optIn) {
    await citizen.tapsLabel("choice-updates-yes");
    await citizen.tapsLabel("choice-skip");
  } else {
    await citizen.tapsLabel("choice-updates-no");
  }
  await citizen.tapsLabel("choice-submit");
  await env.settle();
  const code = /TK-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/.exec(citizen.lastText())?.[0];
  if (!code) throw new Error(`no receipt: ${citizen.lastText()}`);
  const tip = await env.officers.cases.load(
    (await env.harness.service.context.connection.collection("tips").findOne({ code }))!._id.toHexString(),
  );
  return { citizen, tip: tip! };
}

/** Enrolls an officer in 1:1 with a fresh code. */
export async function enrolledOfficer(
  env: OfficerHarness,
  role: OfficerRole,
  scope: Partial<Scope>,
  language?: string,
): Promise<TestChat> {
  const officer = new TestChat(env, { language });
  await officer.says(`/enroll ${await env.code(role, scope)}`);
  return officer;
}

/** Registers an officer group with a fresh code (typed in the group by one of its members). */
export async function enrolledGroup(env: OfficerHarness, scope: Partial<Scope>): Promise<TestChat> {
  const group = new TestChat(env, { group: true });
  await group.joins();
  await group.says(`/enroll ${await env.code("officer", scope)}`);
  group.newMessages();
  return group;
}
