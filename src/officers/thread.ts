import { Schema, Types, type Connection, type Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";
import { minuteObjectId, toMinute } from "../tips/coarse-time";

const bodyContext = "tip_messages.body";

/**
 * The two-way thread between officers and an anonymous reporter. Bodies are sealed; the author is
 * "officer:<pseudonym>", "token:<id>" or "reporter" — the reporter is never identified further.
 */
export interface TipMessage {
  _id: Types.ObjectId;
  tipId: Types.ObjectId;
  direction: "to-reporter" | "from-reporter";
  author: string;
  body: string;
  evidenceIds: string[];
  at: Date;
  /** A question to the reporter that they have answered since (the minute of the answer). */
  answeredAt?: Date;
}

export function tipMessageModel(connection: Connection): Model<TipMessage> {
  const schema = new Schema<TipMessage>(
    {
      tipId: { type: Schema.Types.ObjectId, required: true },
      direction: { type: String, required: true, enum: ["to-reporter", "from-reporter"] },
      author: { type: String, required: true },
      body: { type: String, required: true },
      evidenceIds: { type: [String], default: [] },
      at: { type: Date, required: true },
      answeredAt: Date,
    },
    { collection: "tip_messages", versionKey: false },
  );
  schema.index({ tipId: 1, at: 1 });
  return connection.models.TipMessage ?? connection.model<TipMessage>("TipMessage", schema);
}

export interface OpenedMessage {
  id: string;
  direction: TipMessage["direction"];
  author: string;
  text: string;
  evidenceIds: string[];
  at: Date;
  answeredAt?: Date;
}

export class CaseThread {
  readonly messages: Model<TipMessage>;

  constructor(
    connection: Connection,
    private readonly sealer: Sealer,
  ) {
    this.messages = tipMessageModel(connection);
  }

  async add(
    tipId: Types.ObjectId,
    message: { direction: TipMessage["direction"]; author: string; text: string; evidenceIds?: string[] },
    now: Date,
  ): Promise<TipMessage> {
    // To the minute, id included (coarse-time.ts): a reporter's answer must not carry the second it was sent.
    const created = await this.messages.create({
      _id: minuteObjectId(now),
      tipId,
      direction: message.direction,
      author: message.author,
      body: this.sealer.seal(message.text, bodyContext),
      evidenceIds: message.evidenceIds ?? [],
      at: toMinute(now),
    });
    return created.toObject();
  }

  async get(id: Types.ObjectId): Promise<OpenedMessage | null> {
    const message = await this.messages.findById(id).lean<TipMessage>().exec();
    return message ? this.open(message) : null;
  }

  /** The latest messages of a case, oldest first. */
  async recent(
    tipId: Types.ObjectId,
    limit: number,
    direction?: TipMessage["direction"],
  ): Promise<OpenedMessage[]> {
    const messages = await this.messages
      .find({ tipId, ...(direction && { direction }) })
      .sort({ at: -1, _id: -1 })
      .limit(limit)
      .lean<TipMessage[]>()
      .exec();
    return messages.reverse().map((message) => this.open(message));
  }

  /**
   * The reporter answered: every question still open on the case counts as answered (an answer may
   * take several questions at once, and their minute-precision times cannot order them finer).
   */
  async markQuestionsAnswered(tipId: Types.ObjectId, now: Date): Promise<void> {
    await this.messages
      .updateMany(
        { tipId, direction: "to-reporter", answeredAt: { $exists: false } },
        { $set: { answeredAt: toMinute(now) } },
      )
      .exec();
  }

  /** Whether an officer's question on the case waits for the reporter's answer. */
  async hasOpenQuestion(tipId: Types.ObjectId): Promise<boolean> {
    const open = await this.messages
      .exists({ tipId, direction: "to-reporter", answeredAt: { $exists: false } })
      .exec();
    return open !== null;
  }

  /** Who asked the reporter last: their answer goes back to that officer. */
  async lastAsker(tipId: Types.ObjectId): Promise<string | undefined> {
    const last = await this.messages
      .findOne({ tipId, direction: "to-reporter" })
      .sort({ at: -1, _id: -1 })
      .lean<TipMessage>()
      .exec();
    return last?.author;
  }

  private open(message: TipMessage): OpenedMessage {
    return {
      id: message._id.toHexString(),
      direction: message.direction,
      author: message.author,
      text: this.sealer.openText(message.body, bodyContext),
      evidenceIds: message.evidenceIds,
      at: message.at,
      ...(message.answeredAt ? { answeredAt: message.answeredAt } : {}),
    };
  }
}
