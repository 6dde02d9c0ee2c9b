import type { Tip } from "../../src/tips/tip";
import type { TestUser } from "../support/test-user";
import { citizenReports, startOfficerHarness, type OfficerHarness } from "../officers/support/officers";

describe("admin API", () => {
  let env: OfficerHarness;
  let sanSaiTip: Tip;
  let fangTip: Tip;
  let citizen: TestUser;
  let tokens: Record<"sanSaiOfficer" | "supervisor" | "admin" | "revoked", string>;

  const call = (path: string, token?: string, init: { method?: string; body?: unknown } = {}) =>
    fetch(`${env.harness.service.url}${path}`, {
      method: init.method ?? "GET",
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(init.body !== undefined && { "content-type": "application/json" }),
      },
      ...(init.body !== undefined && { body: JSON.stringify(init.body) }),
    });

  beforeAll(async () => {
    env = await startOfficerHarness();
    ({ tip: sanSaiTip, citizen } = await citizenReports(env, { optIn: true }));
    ({ tip: fangTip } = await citizenReports(env, { district: "ฝาง" }));
    const now = env.harness.clock.now();
    const create = async (role: "officer" | "supervisor" | "admin", districtIds: string[] = []) =>
      (
        await env.tokens.create(
          {
            label: role,
            role,
            scope: {
              everywhere: districtIds.length === 0,
              provinceIds: [],
              districtIds,
              categories: [],
              fallback: false,
            },
          },
          now,
        )
      ).token;
    tokens = {
      sanSaiOfficer: await create("officer", ["cm-san-sai"]),
      supervisor: await create("supervisor"),
      admin: await create("admin"),
      revoked: await create("admin"),
    };
    const revokedId = tokens.revoked.split("_")[1]!;
    await env.tokens.revoke(revokedId, now);
  });
  afterAll(async () => {
    await env.stop();
  });

  test("when no token is sent, then the answer is 401", async () => {
    const response = await call("/admin/api/tips");
    expect(response.status).toBe(401);
    expect(response.headers.get("www-authenticate")).toContain("Bearer");
  });

  test("when a made-up token is sent, then the answer is 401", async () => {
    expect((await call("/admin/api/tips", "itl_0000_notreal")).status).toBe(401);
  });

  test("when a revoked token is sent, then the answer is 401", async () => {
    expect((await call("/admin/api/tips", tokens.revoked)).status).toBe(401);
  });

  test("when an officer token asks for statistics, then the answer is 403", async () => {
    expect((await call("/admin/api/stats", tokens.sanSaiOfficer)).status).toBe(403);
  });

  test("when a supervisor token asks for the audit log, then the answer is 403", async () => {
    expect((await call("/admin/api/audit", tokens.supervisor)).status).toBe(403);
  });

  test("when a district officer lists tips, then only tips of their district are listed", async () => {
    const body = (await (await call("/admin/api/tips", tokens.sanSaiOfficer)).json()) as {
      items: Array<{ code: string }>;
      total: number;
    };
    expect(body.items.map((item) => item.code)).toEqual([sanSaiTip.code]);
    expect(body.total).toBe(1);
  });

  test("when an admin filters by district and category, then the filter applies with pagination", async () => {
    const response = await call(
      "/admin/api/tips?district=cm-fang&category=bribery&page=1&pageSize=10",
      tokens.admin,
    );
    const body = (await response.json()) as {
      items: Array<{ code: string }>;
      page: number;
      pageSize: number;
    };
    expect(body).toMatchObject({ page: 1, pageSize: 10 });
    expect(body.items.map((item) => item.code)).toEqual([fangTip.code]);
  });

  test("when a query parameter is invalid, then the answer is 422 naming it", async () => {
    const response = await call("/admin/api/tips?status=lost&pageSize=1000", tokens.admin);
    expect(response.status).toBe(422);
    const body = (await response.json()) as { details: Array<{ path: string }> };
    expect(body.details.map((detail) => detail.path).sort()).toEqual(["pageSize", "status"]);
  });

  test("when an admin opens a tip, then the decrypted details come without reporter identity and the view is audited", async () => {
    const response = await call(`/admin/api/tips/${sanSaiTip.code}`, tokens.admin);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain("ปลัดเรียกเงินสามพันบาท");
    expect(text).not.toContain(citizen.userId);
    expect(text).not.toMatch(/wantsUpdates|reporterLocale|reporter_contacts/);
    const audits = await env.officers.audit.model
      .find({ action: "view", channel: "admin-api", tipId: sanSaiTip._id })
      .lean()
      .exec();
    expect(audits).toHaveLength(1);
  });

  test("when a district officer opens a tip of another district, then the answer is 404", async () => {
    expect((await call(`/admin/api/tips/${fangTip.code}`, tokens.sanSaiOfficer)).status).toBe(404);
  });

  test("when tips are listed, then each is named by its random ref and no ObjectId appears", async () => {
    const text = await (await call("/admin/api/tips", tokens.admin)).text();
    const body = JSON.parse(text) as { items: Array<{ id: string; code: string }> };
    expect(body.items.find((item) => item.code === sanSaiTip.code)?.id).toBe(sanSaiTip.ref);
    expect(text).not.toMatch(/\b[0-9a-f]{24}\b/);
  });

  test("when a tip is asked for by its ref, then it is found; by its ObjectId, then the answer is 404", async () => {
    const byRef = await call(`/admin/api/tips/${sanSaiTip.ref}`, tokens.admin);
    expect(byRef.status).toBe(200);
    expect(((await byRef.json()) as { code: string }).code).toBe(sanSaiTip.code);
    expect((await call(`/admin/api/tips/${sanSaiTip._id.toHexString()}`, tokens.admin)).status).toBe(404);
  });

  test("when tips are listed and opened and the audit log is read, then every time in the answers is a whole minute", async () => {
    const answers = await Promise.all(
      ["/admin/api/tips", `/admin/api/tips/${sanSaiTip.ref}`, "/admin/api/audit"].map(async (path) =>
        (await call(path, tokens.admin)).text(),
      ),
    );
    const times = answers.flatMap((text) =>
      [...text.matchAll(/"(\d{4}-\d{2}-\d{2}T[^"]+)"/g)].map((m) => m[1]!),
    );
    expect(times.length).toBeGreaterThan(10);
    expect(times.filter((time) => !time.endsWith(":00.000Z"))).toEqual([]);
  });

  test("when a tip does not exist, then the answer is 404", async () => {
    expect((await call("/admin/api/tips/0123456789abcdef01234567", tokens.admin)).status).toBe(404);
  });

  test("when an officer token tries to close a case, then the answer is 403", async () => {
    const response = await call(`/admin/api/tips/${sanSaiTip.code}/status`, tokens.sanSaiOfficer, {
      method: "POST",
      body: { status: "closed", reason: "ไม่พบมูล" },
    });
    expect(response.status).toBe(403);
  });

  test("when a status body is malformed, then the answer is 422", async () => {
    const response = await call(`/admin/api/tips/${sanSaiTip.code}/status`, tokens.admin, {
      method: "POST",
      body: { status: "done" },
    });
    expect(response.status).toBe(422);
  });

  test("when an officer token acknowledges a case in scope, then it changes once and the reporter is told", async () => {
    const path = `/admin/api/tips/${sanSaiTip.code}/status`;
    const first = (await (
      await call(path, tokens.sanSaiOfficer, { method: "POST", body: { status: "acknowledged" } })
    ).json()) as { changed: boolean };
    const second = (await (
      await call(path, tokens.sanSaiOfficer, { method: "POST", body: { status: "acknowledged" } })
    ).json()) as { changed: boolean };
    expect([first.changed, second.changed]).toEqual([true, false]);
    await env.settle();
    expect(JSON.stringify(citizen.received().at(-1))).toContain("เจ้าหน้าที่รับเรื่องแล้ว");
  });

  test("when a message is posted to the reporter, then the opted-in reporter gets it pushed", async () => {
    const response = await call(`/admin/api/tips/${sanSaiTip.code}/messages`, tokens.admin, {
      method: "POST",
      body: { text: "ขอสำเนาใบเสร็จที่ได้รับเพิ่มเติม" },
    });
    expect(response.status).toBe(201);
    expect(await response.json()).toMatchObject({ delivery: "push" });
    await env.settle();
    expect(JSON.stringify(citizen.received().at(-1))).toContain("ขอสำเนาใบเสร็จ");
  });

  test("when a supervisor asks for statistics, then counts by district, category, status and month come with the median acknowledgement time", async () => {
    const body = (await (await call("/admin/api/stats", tokens.supervisor)).json()) as Record<
      string,
      unknown
    >;
    expect(body).toMatchObject({
      total: 2,
      byDistrict: { "cm-san-sai": 1, "cm-fang": 1 },
      byCategory: { bribery: 2 },
      byStatus: { acknowledged: 1, received: 1 },
      acknowledged: 1,
    });
    expect(Object.values(body.byMonth as Record<string, number>)).toEqual([2]);
    expect(body.medianAcknowledgeMs).toEqual(expect.any(Number));
  });

  test("when an admin reads the audit log, then refusals and views are listed without LINE ids", async () => {
    const response = await call(`/admin/api/audit?tip=${sanSaiTip.code}`, tokens.admin);
    const text = await response.text();
    expect(response.status).toBe(200);
    expect(text).toContain('"action":"view"');
    expect(text).toContain('"action":"close","channel":"admin-api","outcome":"refused"');
    expect(text).not.toContain(citizen.userId);
  });
});
