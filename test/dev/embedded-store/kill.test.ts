import { join } from "node:path";
import { run } from "../../../scripts/drills/store-kill";
import { usingRealMongo } from "../../support/database";

/*
 * The kill drill in small: real child processes killed with SIGKILL while clients write, from the
 * TypeScript sources (not dist/). No timing is asserted: kill instants are random, restarts get
 * generous deadlines, and only "every acknowledged write is there" is checked.
 * `npm run drill:store-kill` runs the full drill (20 kills of each).
 */
const describeEmbedded = usingRealMongo ? describe.skip : describe;
const root = join(__dirname, "..", "..", "..");
const fromSource = (entry: string): string[] => [
  process.execPath,
  "-r",
  join(root, "test", "support", "register-ts.js"),
  join(root, entry),
];

describeEmbedded("embedded store under kill -9", () => {
  test("when the standalone store and local mode are killed at random instants during writes, then every acknowledged write is there after each restart", async () => {
    const result = await run({
      storeKills: 3,
      localKills: 1,
      writers: 4,
      killAfterMs: { min: 50, max: 600 },
      storeCommand: fromSource("scripts/embedded-store.ts"),
      localCommand: fromSource("src/main.ts"),
    });

    // On a failure, say why (each corrupt start's reason and the child's last output lines).
    if (!result.ok) console.error(JSON.stringify(result.details, null, 2));
    const details = result.details as Record<
      string,
      { kills: number; corruptStarts: number; acknowledged: number }
    >;
    expect(details.store).toMatchObject({ kills: 3, corruptStarts: 0 });
    expect(details.local).toMatchObject({ kills: 1, corruptStarts: 0 });
    expect(result.acknowledged).toBeGreaterThan(0);
    expect(result).toMatchObject({ lost: 0, duplicated: 0, ok: true });
    expect(result.processed).toBe(result.acknowledged);
  }, 300_000);
});
