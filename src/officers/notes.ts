import { Schema, Types, type Connection, type Model } from "mongoose";
import type { Sealer } from "../crypto/sealer";

const bodyContext = "case_notes.body";

/**
 * An internal note between officers on a case. It is never shown to the reporter (nothing on the
 * reporter's side reads this collection) and its body is sealed like the thread's.
 */
export interface CaseNote {
  _id: Types.ObjectId;
  tipId: Types.ObjectId;
  /** "officer:<pseudonym>" or "token:<id>". */
  author: string;
  body: string;
  at: Date;
}

export interface OpenedNote {
  id: string;
  author: string;
  text: string;
  at: Date;
}

export function caseNoteModel(connection: Connection): Model<CaseNote> {
  const schema = new Schema<CaseNote>(
    {
      tipId: { type: Schema.Types.ObjectId, required: true },
      author: { type: String, required: true },
      body: { type: String, required: true },
      at: { type: Date, required: true },
    },
    { collection: "case_notes", versionKey: false },
  );
  schema.index({ tipId: 1, at: 1 });
  return connection.models.CaseNote ?? connection.model<CaseNote>("CaseNote", schema);
}

/** Officers' notes on cases, sealed at rest. */
export class CaseNotes {
  readonly model: Model<CaseNote>;

  constructor(
    connection: Connection,
    private readonly sealer: Sealer,
  ) {
    this.model = caseNoteModel(connection);
  }

  async add(tipId: Types.ObjectId, author: string, text: string, now: Date): Promise<CaseNote> {
    const created = await this.model.create({
      tipId,
      author,
      body: this.sealer.seal(text, bodyContext),
      at: now,
    });
    return created.toObject();
  }

  /** A case's notes, oldest first. */
  async list(tipId: Types.ObjectId, limit = 200): Promise<OpenedNote[]> {
    const notes = await this.model
      .find({ tipId })
      .sort({ at: 1, _id: 1 })
      .limit(limit)
      .lean<CaseNote[]>()
      .exec();
    return notes.map((note) => ({
      id: note._id.toHexString(),
      author: note.author,
      text: this.sealer.openText(note.body, bodyContext),
      at: note.at,
    }));
  }
}
