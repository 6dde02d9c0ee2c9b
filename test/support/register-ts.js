/**
 * `node -r ./test/support/register-ts.js some.ts`: runs TypeScript sources in a child process, so
 * tests that need a real separate process (kill -9 drills) run the code under test, not a possibly
 * stale dist/ build. Type-checking is the suite's job (tsc); this only strips types. Output is
 * cached by content in the temp directory, so restarts of the same child are quick.
 */
const crypto = require("node:crypto");
const fs = require("node:fs");
const Module = require("node:module");
const os = require("node:os");
const path = require("node:path");
const ts = require("typescript");

const compilerOptions = {
  module: ts.ModuleKind.CommonJS,
  target: ts.ScriptTarget.ES2023,
  esModuleInterop: true,
  inlineSourceMap: true,
};
const cacheDir = path.join(os.tmpdir(), `tipline-register-ts-${ts.version}`);

function transpile(filename, source) {
  const key = crypto.createHash("sha256").update(filename).update("\0").update(source).digest("hex");
  const cached = path.join(cacheDir, `${key}.js`);
  try {
    return fs.readFileSync(cached, "utf8");
  } catch {
    // not cached yet
  }
  const { outputText } = ts.transpileModule(source, { compilerOptions, fileName: filename });
  fs.mkdirSync(cacheDir, { recursive: true });
  const temp = `${cached}.${process.pid}.tmp`;
  fs.writeFileSync(temp, outputText);
  fs.renameSync(temp, cached); // atomic: parallel children never read half a file
  return outputText;
}

Module._extensions[".ts"] = (module, filename) => {
  module._compile(transpile(filename, fs.readFileSync(filename, "utf8")), filename);
};

// Sources import each other as "./x.js" where Node16 resolution wants it (dynamic imports in main.ts).
const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  try {
    return resolveFilename.call(this, request, ...rest);
  } catch (error) {
    if (!request.endsWith(".js")) throw error;
    return resolveFilename.call(this, `${request.slice(0, -3)}.ts`, ...rest);
  }
};
