import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import { createDevClock } from "../../src/dev/dev-clock";
import type { Service } from "../../src/service";

describe("local mode's clock", () => {
  test("when it is moved forward, then the service's time moves and the campaign sweep runs at the new time; backwards is refused", async () => {
    const clock = createDevClock();
    const sweeps: Date[] = [];
    const service = {
      modules: {
        awareness: {
          scheduler: {
            tick: async () => {
              sweeps.push(clock.now());
              return { created: ["c@t"], started: [], postponed: [], skipped: [] };
            },
          },
        },
      },
    } as unknown as Service;
    const app = express().use(clock.router(() => service));
    const server = http.createServer(app).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const before = clock.now().getTime();
      const moved = await fetch(`${base}/dev/clock`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ advanceMs: 3_600_000 }),
      });
      expect(moved.status).toBe(200);
      const answer = (await moved.json()) as {
        now: string;
        offsetMs: number;
        campaigns: { created: string[] };
      };
      expect(answer.offsetMs).toBe(3_600_000);
      expect(answer.campaigns.created).toEqual(["c@t"]);
      expect(sweeps).toHaveLength(1);
      expect(sweeps[0]!.getTime()).toBeGreaterThanOrEqual(before + 3_600_000);
      expect(clock.now().getTime()).toBeGreaterThanOrEqual(before + 3_600_000);

      for (const advanceMs of [-1, "soon", 400 * 86_400_000]) {
        const refused = await fetch(`${base}/dev/clock`, {
          method: "POST",
          headers: { "content-type": "application/json" },
          body: JSON.stringify({ advanceMs }),
        });
        expect(refused.status).toBe(400);
      }
      const shown = (await (await fetch(`${base}/dev/clock`)).json()) as { offsetMs: number };
      expect(shown.offsetMs).toBe(3_600_000);
      expect(sweeps).toHaveLength(1);
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
