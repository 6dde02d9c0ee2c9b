import sharp from "sharp";
import { officerPostback } from "../../src/officers/postback";
import type { Tip } from "../../src/tips/tip";
import type { AuditOutcome } from "../../src/officers/audit";
import {
  citizenReports,
  enrolledOfficer,
  startOfficerHarness,
  urisIn,
  type OfficerHarness,
  type TestChat,
} from "./support/officers";

describe("signed evidence URLs", () => {
  let env: OfficerHarness;
  let tip: Tip;
  let officer: TestChat;
  let link: URL;

  /** The link as the officer got it, fetched from this test's service (PUBLIC_BASE_URL has no port here). */
  const fetchLink = (url: URL) => fetch(`${env.harness.service.url}${url.pathname}${url.search}`);
  const freshLink = async (chat: TestChat): Promise<URL> => {
    const messages = await chat.taps(officerPostback("view", tip.ref));
    const uri = urisIn(messages).find((candidate) => candidate.includes("/evidence/"));
    if (!uri) throw new Error(`no evidence link in: ${chat.lastText()}`);
    return new URL(uri);
  };
  const fetchAudits = (outcome: AuditOutcome) =>
    env.officers.audit.model.find({ action: "evidence-fetch", outcome }).sort({ at: 1 }).lean().exec();

  beforeAll(async () => {
    env = await startOfficerHarness();
    const photo = await sharp({ create: { width: 16, height: 16, channels: 3, background: "#336699" } })
      .jpeg()
      .toBuffer();
    ({ tip } = await citizenReports(env, { image: photo }));
    officer = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    link = await freshLink(officer);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when the officer opens a fresh link, then the decrypted image is served and the fetch is audited", async () => {
    const response = await fetchLink(link);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe("image/jpeg");
    expect(response.headers.get("cache-control")).toContain("no-store");
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.subarray(0, 2).toString("hex")).toBe("ffd8");
    expect(await fetchAudits("ok")).toEqual([
      expect.objectContaining({ tipCode: tip.code, channel: "evidence-url" }),
    ]);
  });

  test("when the signature is altered, then the answer is 403 and the refusal is audited", async () => {
    const forged = new URL(link);
    const sig = forged.searchParams.get("sig")!;
    forged.searchParams.set("sig", `${sig[0] === "A" ? "B" : "A"}${sig.slice(1)}`);
    expect((await fetchLink(forged)).status).toBe(403);
    expect(await fetchAudits("refused")).toContainEqual(expect.objectContaining({ reason: "bad-signature" }));
  });

  test("when the expiry is pushed later without a new signature, then the answer is 403", async () => {
    const stretched = new URL(link);
    stretched.searchParams.set("exp", String(Number(stretched.searchParams.get("exp")) + 86_400_000));
    expect((await fetchLink(stretched)).status).toBe(403);
  });

  test("when the link is made to look like another officer's, then the answer is 403", async () => {
    const other = new URL(link);
    other.searchParams.set("a", "o.someone-else");
    expect((await fetchLink(other)).status).toBe(403);
  });

  test("when the link is replayed after it expired, then the answer is 403 with reason expired", async () => {
    const later = await freshLink(officer);
    env.harness.clock.advance(env.officers.links.ttlMs + 1_000);
    try {
      expect((await fetchLink(later)).status).toBe(403);
      expect(await fetchAudits("refused")).toContainEqual(expect.objectContaining({ reason: "expired" }));
    } finally {
      env.harness.clock.advance(-(env.officers.links.ttlMs + 1_000));
    }
  });

  test("when the officer is revoked, then their still-valid link is refused", async () => {
    const revoked = await enrolledOfficer(env, "officer", { districtIds: ["cm-san-sai"] });
    const url = await freshLink(revoked);
    await env.officers.directory.revokeOfficer(
      env.officers.directory.officerIdFor(revoked.userId),
      env.harness.clock.now(),
    );
    expect((await fetchLink(url)).status).toBe(403);
  });
});
