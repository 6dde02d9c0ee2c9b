import type { CommandHandler } from "./context";

/** Both arrive on `admin` with the session's `lsid` and `txnNumber`; the registry checks they name a live transaction. */
export const transactionCommands: Record<string, CommandHandler> = {
  commitTransaction: (context) => {
    context.engine.sessions.commit(context.body);
    return { ok: 1 };
  },
  abortTransaction: (context) => {
    context.engine.sessions.abort(context.body);
    return { ok: 1 };
  },
};
