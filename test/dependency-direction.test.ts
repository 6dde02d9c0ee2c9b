/**
 * The lint rule that keeps src/'s dependency direction (eslint.config.mjs, README "Architecture")
 * really refuses what it should: ESLint itself lints made-up files placed in each layer.
 */
import { execFile } from "node:child_process";
import path from "node:path";
import { promisify } from "node:util";

jest.setTimeout(120_000);

const root = path.join(__dirname, "..");
const eslint = path.join(root, "node_modules/eslint/bin/eslint.js");

/** The messages ESLint gives for `source` as if it were the file at `file`. */
async function lint(file: string, source: string): Promise<string[]> {
  const run = promisify(execFile)(
    process.execPath,
    [eslint, "--format", "json", "--stdin", "--stdin-filename", file],
    { cwd: root },
  );
  run.child.stdin!.end(source);
  const output = await run.catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? "[]" }));
  const [result] = JSON.parse(output.stdout) as Array<{
    messages: Array<{ ruleId: string; message: string }>;
  }>;
  return result!.messages
    .filter((message) => message.ruleId === "no-restricted-imports")
    .map((message) => message.message);
}

const importing = (...paths: string[]) =>
  paths.map((target, i) => `import * as m${i} from "${target}";\nvoid m${i};\n`).join("");

describe("the dependency-direction lint rule", () => {
  test("when a feature imports the composition root, a surface, another feature or src/dev, then each import is refused", async () => {
    const messages = await lint(
      "src/officers/example.ts",
      importing("../service", "../admin/auth", "../awareness", "../dev/line-platform", "../tips/tip"),
    );
    expect(messages).toHaveLength(4);
    expect(messages.filter((message) => message.includes("src/dev"))).toHaveLength(1);
  });

  test("when tips import officers or the chat, or infrastructure imports a feature, then it is refused at any depth", async () => {
    expect(
      await lint(
        "src/tips/evidence/example.ts",
        importing("../../officers/cases", "../../conversation/engine"),
      ),
    ).toHaveLength(2);
    expect(await lint("src/line/example.ts", importing("../tips/tip", "../console"))).toHaveLength(2);
  });

  test("when the composition root imports src/dev, then it is refused; main.ts and src/dev itself may", async () => {
    expect(await lint("src/service.ts", importing("./dev/local-line"))).toHaveLength(1);
    expect(await lint("src/main.ts", importing("./dev/local-line"))).toEqual([]);
    expect(await lint("src/dev/example.ts", importing("../service", "./line-platform"))).toEqual([]);
  });

  test("when imports follow the direction, then nothing is refused", async () => {
    expect(
      await lint("src/console/example.ts", importing("../officers/cases", "../tips/tip", "../http/errors")),
    ).toEqual([]);
  });
});
