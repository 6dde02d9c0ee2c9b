import mongoose, { type Connection } from "mongoose";
import { AuditLog } from "../../src/officers/audit";
import { startTestDatabase, type TestDatabase } from "../support/database";

describe("audit log", () => {
  let database: TestDatabase;
  let connection: Connection;
  let audit: AuditLog;

  beforeAll(async () => {
    database = await startTestDatabase();
    connection = await mongoose.createConnection(database.uri).asPromise();
    audit = new AuditLog(connection, () => new Date("2025-11-25T03:00:00Z"));
    await audit.record({
      actor: "officer:abc",
      action: "view",
      channel: "line",
      outcome: "ok",
      tipCode: "TK-2222-3333-4444",
    });
    await audit.record({
      actor: "officer:def",
      action: "acknowledge",
      channel: "line",
      outcome: "refused",
      reason: "scope",
    });
  });
  afterAll(async () => {
    await connection.close();
    await database.stop();
  });

  test("when an entry is changed through the application, then the change is refused", async () => {
    await expect(
      audit.model.updateOne({ actor: "officer:abc" }, { $set: { outcome: "refused" } }),
    ).rejects.toThrow(/append-only/);
  });

  test("when entries are deleted through the application, then the deletion is refused", async () => {
    await expect(audit.model.deleteMany({})).rejects.toThrow(/append-only/);
    expect(await audit.model.countDocuments()).toBe(2);
  });

  test("when refusals are filtered, then only refusals are returned, newest first", async () => {
    const { items, total } = await audit.find({ outcome: "refused" }, { skip: 0, limit: 10 });
    expect(total).toBe(1);
    expect(items[0]).toMatchObject({ actor: "officer:def", reason: "scope" });
  });
});
