import { createHash } from "node:crypto";
import { run } from "../../scripts/officers";
import { UsageError } from "../../scripts/lib/cli";
import { OfficerDirectory } from "../../src/officers/directory";
import { startScriptEnvironment, type ScriptEnvironment } from "./support";

describe("scripts/officers", () => {
  let env: ScriptEnvironment;
  let directory: OfficerDirectory;

  const codesIn = (text: string) => text.match(/EN-[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}/g) ?? [];

  beforeAll(async () => {
    env = await startScriptEnvironment();
    directory = new OfficerDirectory(env.context.connection, env.context.sealer, env.context.pseudonym);
  });
  beforeEach(() => env.clear());
  afterAll(async () => {
    await env.stop();
  });

  test("when codes are created, then they are printed once and stored only as hashes", async () => {
    expect(
      await run(
        ["create-code", "--role", "officer", "--district", "cm-san-sai", "--count", "2"],
        env.context,
      ),
    ).toBe(0);
    const printed = codesIn(env.stdout());
    expect(printed).toHaveLength(2);
    const stored = await env.context.connection.collection("enrollment_codes").find().toArray();
    expect(JSON.stringify(stored)).not.toContain(printed[0]!.slice(3));
    expect(stored.map((code) => code._id)).toContain(createHash("sha256").update(printed[0]!).digest("hex"));
  });

  test("when a code is redeemed twice, then only the first enrollment succeeds", async () => {
    await run(["create-code", "--role", "officer", "--district", "cm-fang"], env.context);
    const [code] = codesIn(env.stdout());
    const now = new Date();
    expect((await directory.enrollOfficer("U1111", code!, "th", now)).ok).toBe(true);
    expect((await directory.enrollOfficer("U2222", code!, "th", now)).ok).toBe(false);
  });

  test("when a code is used after it expired, then enrollment is refused", async () => {
    await run(["create-code", "--role", "officer", "--district", "cm-fang", "--expires", "1h"], env.context);
    const [code] = codesIn(env.stdout());
    const later = new Date(Date.now() + 2 * 3_600_000);
    expect(await directory.enrollGroup("group", "C1234", code!, later)).toEqual({
      ok: false,
      reason: "invalid-code",
    });
  });

  test("when a campaign-staff code is created, then it covers no place, refuses place options, and no group can use it", async () => {
    await expect(
      run(["create-code", "--role", "campaign", "--district", "cm-fang"], env.context),
    ).rejects.toThrow(UsageError);
    expect(
      await run(["create-code", "--role", "campaign", "--count", "2", "--label", "PR"], env.context),
    ).toBe(0);
    const [forGroup, forPerson] = codesIn(env.stdout());
    const now = new Date();
    expect(await directory.enrollGroup("group", "C5678", forGroup!, now)).toEqual({
      ok: false,
      reason: "invalid-code",
    });
    const enrolled = await directory.enrollOfficer("U4444", forPerson!, "th", now);
    expect(enrolled.ok && enrolled.enrolled).toMatchObject({
      role: "campaign",
      scope: { everywhere: false, provinceIds: [], districtIds: [], fallback: false },
    });
    // Nothing is ever routed to them, not even by the national queue.
    const fallback = await directory.fallbackRecipients();
    expect(fallback.officers.map((officer) => officer.role)).not.toContain("campaign");
  });

  test("when a code is typed in lower case without dashes, then it still works", async () => {
    await run(["create-code", "--role", "supervisor", "--province", "chiang-mai"], env.context);
    const [code] = codesIn(env.stdout());
    const typed = code!.replace(/-/g, " ").toLowerCase();
    expect((await directory.enrollOfficer("U3333", typed, "th", new Date())).ok).toBe(true);
  });

  test("when the scope names an unknown district, then the script refuses with a usage error", async () => {
    await expect(
      run(["create-code", "--role", "officer", "--district", "cm-atlantis"], env.context),
    ).rejects.toThrow(UsageError);
  });

  test("when no scope is given, then the script refuses rather than create a code that routes nothing", async () => {
    await expect(run(["create-code", "--role", "officer"], env.context)).rejects.toThrow(/give a scope/);
  });

  test("when officers are listed, then ids, roles and scopes are shown but never a LINE user id", async () => {
    await directory.enrollOfficer(
      "U4444aaaa",
      (
        await directory.createCodes(
          {
            role: "officer",
            scope: {
              everywhere: false,
              provinceIds: [],
              districtIds: ["cm-hot"],
              categories: [],
              fallback: false,
            },
            label: null,
            expiresInMs: 60_000,
            count: 1,
          },
          new Date(),
        )
      )[0]!.code,
      "th",
      new Date(),
    );
    await run(["list"], env.context);
    expect(env.stdout()).toContain("districts=cm-hot");
    expect(env.stdout()).not.toContain("U4444aaaa");
  });

  test("when an officer is revoked, then the directory shows them revoked and the action is audited", async () => {
    const id = directory.officerIdFor("U4444aaaa");
    expect(await run(["revoke-officer", id], env.context)).toBe(0);
    expect((await directory.officer(id))?.status).toBe("revoked");
    const audit = await env.context.connection.collection("audit_log").findOne({ action: "revoke-officer" });
    expect(audit).toMatchObject({ actor: "script", outcome: "ok" });
  });

  test("when routes are asked for a district, then the officers a tip there would reach are printed", async () => {
    await run(["routes", "--district", "cm-san-sai", "--json"], env.context);
    // The province-wide supervisor enrolled above covers สันทราย; the revoked officer no longer counts.
    expect(JSON.parse(env.stdout())).toEqual({
      fallback: false,
      level: "province",
      groups: [],
      officers: [directory.officerIdFor("U3333")],
    });
  });
});
