/**
 * Postback data, at most 300 characters (LINE). Flow buttons carry a fingerprint — the step they
 * were drawn for and the state revision at that moment — so a tap on a button from an earlier step
 * is recognised as stale instead of being taken as an answer. Commands (rich menu, "menu" buttons)
 * carry no fingerprint: they are valid whenever they are tapped.
 */
export type Postback =
  | { type: "answer"; flow: string; step: string; revision: number; value: string }
  | { type: "command"; command: string; value?: string }
  | { type: "unknown" };

/** What form encoding leaves as it is: ASCII letters, digits and `*-._` (WHATWG urlencoded serializer). */
const formSafe = /^[\w.*-]*$/;

/**
 * A value as `URLSearchParams` writes it. Every button of every answer gets postback data, and
 * building a `URLSearchParams` per button was a visible share of a turn; flow, step and command
 * names and most values need no escaping, so only the others go through it.
 */
function formValue(value: string): string {
  return formSafe.test(value) ? value : new URLSearchParams([["", value]]).toString().slice(1);
}

export function answerPostback(flow: string, step: string, revision: number, value: string): string {
  return `f=${formValue(flow)}&s=${formValue(step)}&r=${formValue(String(revision))}&v=${formValue(value)}`;
}

export function commandPostback(command: string, value?: string): string {
  return value === undefined ? `c=${formValue(command)}` : `c=${formValue(command)}&v=${formValue(value)}`;
}

export function parsePostback(data: string): Postback {
  const params = new URLSearchParams(data);
  const command = params.get("c");
  if (command) return { type: "command", command, value: params.get("v") ?? undefined };
  const flow = params.get("f");
  const step = params.get("s");
  const revision = Number(params.get("r"));
  const value = params.get("v");
  if (flow && step && Number.isInteger(revision) && value !== null)
    return { type: "answer", flow, step, revision, value };
  return { type: "unknown" };
}
