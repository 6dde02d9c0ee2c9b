/**
 * The people and groups a developer can chat as. Ids are derived from each persona's key, so they
 * stay the same across restarts: an officer enrolled yesterday is still enrolled in today's run,
 * since local mode keeps its store on disk.
 */
import { createHash } from "node:crypto";

export type Language = "th" | "en";

/** A LINE user chatting 1:1 with the bot. */
export interface PersonSpec {
  kind: "citizen" | "officer";
  /** URL-safe and unique: lower-case letters, digits and dashes ("citizen-somchai"). */
  key: string;
  displayName: string;
  /** The profile language LINE reports; the bot picks its locale from it. */
  language: Language;
  /** Default: derived from the key. */
  userId?: string;
}

/** A LINE group with the bot and one member who speaks in it. */
export interface GroupSpec {
  kind: "group";
  key: string;
  displayName: string;
  /** The key of the person (usually an officer) who writes in the group. */
  memberKey: string;
  /** Default: derived from the key. */
  groupId?: string;
}

export type EmulatorChatSpec = PersonSpec | GroupSpec;

/** A chat the page can show: a persona or group, or a recipient only seen in the bot's deliveries. */
export type Chat = PersonChat | GroupChat | ObservedChat;

export interface PersonChat {
  kind: "citizen" | "officer";
  id: string;
  title: string;
  userId: string;
  language: Language;
  /** Where the bot's messages for this chat go: the user id. */
  target: string;
}

export interface GroupChat {
  kind: "group";
  id: string;
  title: string;
  groupId: string;
  member: { userId: string; displayName: string };
  target: string;
}

/** Someone the bot pushed or multicast to who is not a persona (e.g. a subscriber from an earlier run). */
export interface ObservedChat {
  kind: "other";
  id: string;
  title: string;
  target: string;
}

export const DEFAULT_CHATS: readonly EmulatorChatSpec[] = [
  { kind: "citizen", key: "citizen-somchai", displayName: "สมชาย ใจดี", language: "th" },
  { kind: "citizen", key: "citizen-malee", displayName: "มาลี แก้วมณี", language: "th" },
  { kind: "citizen", key: "citizen-alex", displayName: "Alex Turner", language: "en" },
  { kind: "officer", key: "officer-wipa", displayName: "วิภา (เจ้าหน้าที่)", language: "th" },
  {
    kind: "group",
    key: "group-mueang",
    displayName: "ศูนย์ดำรงธรรม อ.เมืองเชียงใหม่",
    memberKey: "officer-wipa",
  },
  // Enrolled at start-up for the fallback route (src/dev/national-queue.ts): tips no office covers land here.
  {
    kind: "group",
    key: "group-national",
    displayName: "ป.ป.ท. ส่วนกลาง (คิวระดับประเทศ)",
    memberKey: "officer-wipa",
  },
];

const KEY_FORMAT = /^[a-z0-9][a-z0-9-]{0,62}$/;
const USER_ID_FORMAT = /^U[0-9a-f]{32}$/;
const GROUP_ID_FORMAT = /^C[0-9a-f]{32}$/;
const TARGET_FORMAT = /^[UCR][0-9a-f]{32}$/;

/** A LINE-shaped id that depends only on the key. */
export function stableId(prefix: "U" | "C", key: string): string {
  return prefix + createHash("sha256").update(`integrity-tipline emulator ${key}`).digest("hex").slice(0, 32);
}

/** The chats of one emulator, built from specs that are checked once, at start-up. */
export class ChatDirectory {
  private readonly byId = new Map<string, PersonChat | GroupChat>();
  private readonly byTarget = new Map<string, PersonChat | GroupChat>();

  constructor(specs: readonly EmulatorChatSpec[]) {
    const people = new Map<string, PersonChat>();
    for (const spec of specs) {
      if (!KEY_FORMAT.test(spec.key))
        throw new Error(`emulator chat key "${spec.key}" must match ${KEY_FORMAT}`);
      if (this.byId.has(spec.key) || people.has(spec.key))
        throw new Error(`emulator chat key "${spec.key}" is used twice`);
      if (spec.kind === "group") continue;
      const userId = spec.userId ?? stableId("U", spec.key);
      if (!USER_ID_FORMAT.test(userId)) throw new Error(`emulator user id "${userId}" is not a LINE user id`);
      const chat: PersonChat = {
        kind: spec.kind,
        id: spec.key,
        title: spec.displayName,
        userId,
        language: spec.language,
        target: userId,
      };
      people.set(spec.key, chat);
      this.add(chat);
    }
    for (const spec of specs) {
      if (spec.kind !== "group") continue;
      const member = people.get(spec.memberKey);
      if (!member)
        throw new Error(`emulator group "${spec.key}" names an unknown member "${spec.memberKey}"`);
      const groupId = spec.groupId ?? stableId("C", spec.key);
      if (!GROUP_ID_FORMAT.test(groupId))
        throw new Error(`emulator group id "${groupId}" is not a LINE group id`);
      this.add({
        kind: "group",
        id: spec.key,
        title: spec.displayName,
        groupId,
        member: { userId: member.userId, displayName: member.title },
        target: groupId,
      });
    }
  }

  /** Personas and groups in the order they were declared. */
  known(): Array<PersonChat | GroupChat> {
    return [...this.byId.values()];
  }

  people(): PersonChat[] {
    return this.known().filter((chat): chat is PersonChat => chat.kind !== "group");
  }

  /** A persona or group by its key, or a recipient seen in deliveries by its LINE id. */
  find(id: string): Chat | undefined {
    return this.byId.get(id) ?? (TARGET_FORMAT.test(id) ? observedChat(id) : undefined);
  }

  byLineId(target: string): PersonChat | GroupChat | undefined {
    return this.byTarget.get(target);
  }

  private add(chat: PersonChat | GroupChat): void {
    if (this.byTarget.has(chat.target)) throw new Error(`emulator id ${chat.target} is used by two chats`);
    this.byId.set(chat.id, chat);
    this.byTarget.set(chat.target, chat);
  }
}

export function observedChat(target: string): ObservedChat {
  const kind = target.startsWith("C") ? "Group" : target.startsWith("R") ? "Room" : "User";
  return { kind: "other", id: target, title: `${kind} ${target.slice(0, 9)}…`, target };
}
