import type { Message } from "../line/gateway";

const START = Buffer.from('{"to":[', "latin1");

/**
 * The JSON body of one run segment's multicasts: `{"to":[…],"messages":[…]}` and, when the run has
 * one, its aggregation unit. Everything but the recipients is the same for every batch of the
 * segment, so it is serialised once; the recipients arrive as JSON already (UserIdSeal.openBatch).
 */
export class MulticastBody {
  private readonly end: Buffer;

  constructor(messages: Message[], aggregationUnit?: string) {
    const unit = aggregationUnit ? `,"customAggregationUnits":${JSON.stringify([aggregationUnit])}` : "";
    this.end = Buffer.from(`],"messages":${JSON.stringify(messages)}${unit}}`, "utf8");
  }

  /** The body for recipients written as `"U…","U…"`. */
  with(recipientsJson: Buffer): Buffer {
    return Buffer.concat([START, recipientsJson, this.end]);
  }
}
