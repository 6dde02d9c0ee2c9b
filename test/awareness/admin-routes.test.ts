import { startAwarenessStack, type AwarenessStack } from "./support/stack";
import { advanceToBangkok, campaignBody } from "./support/fixtures";
import { AdminTokens } from "../../src/admin/auth";
import { fakeUserId } from "../../src/dev/line-platform";

let stack: AwarenessStack;
/** Bearer tokens of the service's own admin API, by role. */
let tokens: Record<"admin" | "supervisor", string>;

beforeAll(async () => {
  stack = await startAwarenessStack();
  advanceToBangkok(stack.clock, "10:00");
  const adminTokens = new AdminTokens(stack.service.context.connection);
  const tokenFor = async (role: keyof typeof tokens) =>
    (await adminTokens.create({ label: `campaign ${role}`, role }, stack.clock.now())).token;
  tokens = { admin: await tokenFor("admin"), supervisor: await tokenFor("supervisor") };
}, 180_000);

afterAll(async () => {
  await stack.stop();
});

const base = "/admin/api/campaigns";

async function call(method: string, path: string, body?: unknown, role: keyof typeof tokens = "admin") {
  const response = await fetch(`${stack.service.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${tokens[role]}`,
      ...(body === undefined ? {} : { "content-type": "application/json" }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return { status: response.status, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
}

test("when a campaign is created, then it is a draft that can be read back", async () => {
  const created = await call("POST", base, campaignBody({ id: "created-one" }));
  const read = await call("GET", `${base}/created-one`, undefined, "supervisor");

  expect(created.status).toBe(201);
  expect(read.body).toMatchObject({
    id: "created-one",
    status: "draft",
    languages: ["th", "en"],
    quietHours: { start: "21:00", end: "08:00" },
  });
});

test("when a campaign breaks LINE's limits, then the answer is 422 naming each field", async () => {
  const response = await call(
    "POST",
    base,
    campaignBody({
      id: "too-long",
      content: {
        th: [
          { type: "text", text: "ก".repeat(5_001) },
          { type: "flex", altText: "x".repeat(1_501), contents: { type: "bubble" } },
          { type: "image", originalContentUrl: "http://example.org/a.jpg" },
        ],
      },
    }),
  );

  expect(response.status).toBe(422);
  const fields = (response.body.details as Array<{ path: string }>).map((detail) => detail.path);
  expect(fields).toEqual(
    expect.arrayContaining([
      "content.th[0].text",
      "content.th[1].altText",
      "content.th[2].originalContentUrl",
    ]),
  );
});

test("when an unknown campaign is asked for, then the answer is 404", async () => {
  expect((await call("GET", `${base}/no-such-campaign`)).status).toBe(404);
  expect((await call("POST", `${base}/no-such-campaign/pause`)).status).toBe(404);
});

test("when the same id is created twice, then the second answer is 409", async () => {
  await call("POST", base, campaignBody({ id: "twice" }));

  expect((await call("POST", base, campaignBody({ id: "twice" }))).status).toBe(409);
});

test("when a campaign is updated, then its definition and revision change", async () => {
  await call("POST", base, campaignBody({ id: "updated-one" }));

  const updated = await call(
    "PUT",
    `${base}/updated-one`,
    campaignBody({ id: "updated-one", name: "New name", topics: ["news"] }),
  );

  expect(updated.body).toMatchObject({ name: "New name", topics: ["news"], revision: 2 });
});

test("when a campaign goes through schedule, pause, resume and cancel, then each status follows", async () => {
  await call("POST", base, campaignBody({ id: "lifecycle", schedule: undefined }));
  const at = new Date(stack.clock.now().getTime() + 3_600_000).toISOString();

  const statuses = [
    (await call("POST", `${base}/lifecycle/schedule`, { schedule: { at } })).body.status,
    (await call("POST", `${base}/lifecycle/pause`)).body.status,
    (await call("POST", `${base}/lifecycle/resume`)).body.status,
    (await call("POST", `${base}/lifecycle/cancel`)).body.status,
  ];

  expect(statuses).toEqual(["scheduled", "paused", "scheduled", "cancelled"]);
  expect((await call("POST", `${base}/lifecycle/resume`)).status).toBe(409);
});

test("when scheduling without any schedule, then the answer is 422 naming the schedule", async () => {
  await call("POST", base, campaignBody({ id: "unscheduled", schedule: undefined }));

  const response = await call("POST", `${base}/unscheduled/schedule`);

  expect(response.status).toBe(422);
  expect(response.body.details).toEqual([
    { path: "schedule", message: "is required to schedule a campaign" },
  ]);
});

test("when a one-off time is already past, then scheduling is refused with 422", async () => {
  await call("POST", base, campaignBody({ id: "past", schedule: { at: "2020-01-01T10:00:00+07:00" } }));

  const response = await call("POST", `${base}/past/schedule`);

  expect(response.status).toBe(422);
  expect(response.body.details).toEqual([{ path: "schedule.at", message: "is in the past" }]);
});

test("when the list is filtered by status, then only those campaigns come back", async () => {
  await call("POST", base, campaignBody({ id: "listed-draft" }));

  const response = await call("GET", `${base}?status=draft`, undefined, "supervisor");

  const campaigns = response.body.campaigns as Array<{ id: string; status: string }>;
  expect(campaigns.map((campaign) => campaign.id)).toContain("listed-draft");
  expect(campaigns.every((campaign) => campaign.status === "draft")).toBe(true);
});

test("when a run has been delivered, then its statistics are listed with totals", async () => {
  await stack.seedSubscribers(30, { topics: ["knowledge"] });
  await call("POST", base, campaignBody({ id: "with-stats" }));
  await stack.awareness.scheduler.deliverNow(await stack.awareness.campaigns.createManualRun("with-stats"));

  const response = await call("GET", `${base}/with-stats/runs`, undefined, "supervisor");

  expect(response.body.runs).toEqual([
    expect.objectContaining({
      status: "done",
      trigger: "manual",
      counts: expect.objectContaining({ sent: 30 }),
    }),
  ]);
  expect(response.body.totals).toMatchObject({ runs: 1, sent: 30 });
});

test("when staff preview a campaign to their own LINE account, then it is pushed to that account only", async () => {
  await call("POST", base, campaignBody({ id: "previewed" }));
  const tester = fakeUserId();

  const response = await call("POST", `${base}/previewed/preview`, { userId: tester, locale: "en" });

  expect(response.body).toEqual({ sent: true, locale: "en" });
  expect(stack.platform.deliveries().at(-1)).toMatchObject({ to: tester, via: "push" });
});

test("when the caller lacks the role, then authorize answers before the route", async () => {
  expect((await call("POST", base, campaignBody({ id: "forbidden" }), "supervisor")).status).toBe(403);
  expect((await fetch(`${stack.service.url}${base}`)).status).toBe(401);
});
