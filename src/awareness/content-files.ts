import fs from "node:fs";
import path from "node:path";
import { CampaignValidationError, parseCampaignInput, type CampaignInput } from "./campaign-schema";

/** A campaign file that could not be read or parsed, named in the error. */
export class CampaignFileError extends Error {
  constructor(
    readonly file: string,
    readonly problems: Array<{ path: string; message: string }>,
  ) {
    super(`${file}:\n${problems.map((p) => `  - ${p.path || "(file)"}: ${p.message}`).join("\n")}`);
    this.name = "CampaignFileError";
  }
}

/** Campaign files in a folder (or the file itself), in name order; `*.json` only (no YAML dependency). */
export function campaignFiles(target: string): string[] {
  const stat = fs.statSync(target);
  if (!stat.isDirectory()) return [target];
  return fs
    .readdirSync(target)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => path.join(target, name));
}

/** Reads and validates one campaign JSON file; the raw object is returned for saving as written. */
export function readCampaignFile(file: string): { raw: unknown; input: CampaignInput } {
  let raw: unknown;
  try {
    raw = JSON.parse(fs.readFileSync(file, "utf8"));
  } catch (error) {
    throw new CampaignFileError(file, [
      { path: "", message: error instanceof Error ? error.message : "unreadable" },
    ]);
  }
  try {
    return { raw, input: parseCampaignInput(raw) };
  } catch (error) {
    if (error instanceof CampaignValidationError) throw new CampaignFileError(file, error.problems);
    throw error;
  }
}
