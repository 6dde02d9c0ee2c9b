import { run } from "../../scripts/admin-tokens";
import { run as audit } from "../../scripts/audit";
import { AdminTokens } from "../../src/admin/auth";
import { startScriptEnvironment, type ScriptEnvironment } from "./support";

describe("scripts/admin-tokens and scripts/audit", () => {
  let env: ScriptEnvironment;
  let tokens: AdminTokens;

  beforeAll(async () => {
    env = await startScriptEnvironment();
    tokens = new AdminTokens(env.context.connection);
  });
  beforeEach(() => env.clear());
  afterAll(async () => {
    await env.stop();
  });

  test("when a token is created, then it is printed once, works, and only its hash is stored", async () => {
    expect(await run(["create", "--role", "admin", "--label", "รายงานประจำเดือน"], env.context)).toBe(0);
    const token = /itl_[0-9a-f]+_[A-Za-z0-9_-]+/.exec(env.stdout())![0];
    expect(await tokens.verify(token, new Date())).toMatchObject({ role: "admin" });
    const stored = await env.context.connection.collection("admin_tokens").find().toArray();
    // The secret is everything after the id (base64url, so it may itself contain "_").
    const secret = token.split("_").slice(2).join("_");
    expect(secret.length).toBeGreaterThanOrEqual(43);
    expect(JSON.stringify(stored)).not.toContain(secret);
  });

  test("when an officer token is created without a scope, then the script refuses", async () => {
    await expect(run(["create", "--role", "officer", "--label", "x"], env.context)).rejects.toThrow(
      /give a scope/,
    );
  });

  test("when a token is revoked, then it no longer verifies", async () => {
    await run(
      ["create", "--role", "officer", "--district", "cm-san-sai", "--label", "สันทราย", "--json"],
      env.context,
    );
    const { token, tokenId } = JSON.parse(env.stdout()) as { token: string; tokenId: string };
    expect(await run(["revoke", tokenId], env.context)).toBe(0);
    expect(await tokens.verify(token, new Date())).toBeUndefined();
  });

  test("when the audit script is asked for script actions, then token creation and revocation are listed", async () => {
    await audit(["--actor", "script", "--json"], env.context);
    const { items } = JSON.parse(env.stdout()) as { items: Array<{ action: string }> };
    expect(items.map((item) => item.action)).toEqual(
      expect.arrayContaining(["create-admin-token", "revoke-admin-token"]),
    );
  });
});
