import http from "node:http";
import type { AddressInfo } from "node:net";
import express from "express";
import mongoose, { type Connection } from "mongoose";
import { AdminTokens, authenticate, authorize } from "../../src/admin/auth";
import { errorHandler } from "../../src/http/errors";
import { createLogger } from "../../src/log";
import { startTestDatabase, type TestDatabase } from "../support/database";

/** authorize() as another module uses it: its own router, mounted after the officers' authentication. */
describe("admin authorization for other modules' routes", () => {
  let database: TestDatabase;
  let connection: Connection;
  let server: http.Server;
  let url: string;
  let supervisor: string;

  beforeAll(async () => {
    database = await startTestDatabase();
    connection = await mongoose.createConnection(database.uri).asPromise();
    const tokens = new AdminTokens(connection);
    supervisor = (await tokens.create({ label: "s", role: "supervisor" }, new Date())).token;
    const officersRouter = express.Router().use(
      "/admin/api",
      authenticate(tokens, () => new Date()),
    );
    const campaignsRouter = express.Router();
    campaignsRouter.use("/admin/api/campaigns", express.json({ limit: "1mb" }));
    campaignsRouter.get("/admin/api/campaigns", authorize("supervisor"), (_req, res) => {
      res.json({ ok: true });
    });
    campaignsRouter.post("/admin/api/campaigns", authorize("admin"), (_req, res) => {
      res.json({ ok: true });
    });
    const app = express()
      .use(officersRouter)
      .use(campaignsRouter)
      .use(errorHandler(createLogger({ level: "silent" })));
    server = http.createServer(app).listen(0, "127.0.0.1");
    await new Promise((resolve) => server.once("listening", resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/admin/api/campaigns`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
    await connection.close();
    await database.stop();
  });

  test("when a supervisor token reads a supervisor route of another router, then it is allowed", async () => {
    expect((await fetch(url, { headers: { authorization: `Bearer ${supervisor}` } })).status).toBe(200);
  });

  test("when a supervisor token calls an admin route, then the answer is 403", async () => {
    const response = await fetch(url, { method: "POST", headers: { authorization: `Bearer ${supervisor}` } });
    expect(response.status).toBe(403);
  });

  test("when a large body goes to another router's admin route, then the officers' body limit does not apply", async () => {
    const response = await fetch(url, {
      method: "POST",
      headers: { authorization: `Bearer ${supervisor}`, "content-type": "application/json" },
      body: JSON.stringify({ content: "x".repeat(200_000) }),
    });
    expect(response.status).toBe(403); // reached authorize, not a 413 from a parser upstream
  });

  test("when a route asks for a role that does not exist, then declaring it throws", () => {
    expect(() => authorize("superuser")).toThrow(/unknown role/);
  });
});
