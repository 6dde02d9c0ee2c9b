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

export function answerPostback(flow: string, step: string, revision: number, value: string): string {
  return new URLSearchParams({ f: flow, s: step, r: String(revision), v: value }).toString();
}

export function commandPostback(command: string, value?: string): string {
  return new URLSearchParams(value === undefined ? { c: command } : { c: command, v: value }).toString();
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
