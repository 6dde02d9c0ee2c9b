import js from "@eslint/js";
import tseslint from "typescript-eslint";

/*
 * The dependency direction of src/ (README, "Architecture"): each layer may import only the layers
 * below it. An import is named by its path relative to the importing file, so a target is matched
 * as "../<folder>" at any depth. Layers are disjoint, so each file gets exactly one rule setting.
 */
const composition = ["main", "service", "features", "cluster"];
const surfaces = ["admin", "console"];
const features = ["officers", "awareness", "rich-menu"];
const citizenChat = ["conversation"];
const tips = ["tips"];
const infrastructure = [
  "events",
  "http",
  "line",
  "data",
  "jobs",
  "crypto",
  "geo",
  "i18n",
  "config",
  "log",
  "context",
];
const above = (...groups) => groups.flat();
const layers = [
  { files: ["src/admin/**", "src/console/**"], forbid: above(composition) },
  // Features are peers that never import each other: the composition root wires one to another.
  ...features.map((name) => ({
    files: [`src/${name}/**`],
    forbid: above(
      composition,
      surfaces,
      features.filter((other) => other !== name),
    ),
  })),
  { files: ["src/conversation/**"], forbid: above(composition, surfaces, features) },
  // Tips know nothing of chats.
  { files: ["src/tips/**"], forbid: above(composition, surfaces, features, citizenChat) },
  {
    files: [
      ...infrastructure.map((name) => `src/${name}/**`),
      ...infrastructure.map((name) => `src/${name}.ts`),
    ],
    forbid: above(composition, surfaces, features, citizenChat, tips),
  },
];
const restrict = (forbid) => [
  "error",
  {
    patterns: [
      ...(forbid.length === 0
        ? []
        : [
            {
              regex: `^(\\.\\./)+(${forbid.join("|")})(/|$)`,
              message: "the dependency direction of src/ forbids this import (README, Architecture)",
            },
          ]),
      {
        regex: "^(\\.\\.?/)+dev(/|$)",
        message: "src/dev is local-mode infrastructure: only src/main.ts (and tests, scripts) load it",
      },
    ],
  },
];
const dependencyDirection = [
  ...layers.map(({ files, forbid }) => ({ files, rules: { "no-restricted-imports": restrict(forbid) } })),
  // The composition root may import every layer, but not src/dev; main.ts loads src/dev lazily.
  {
    files: composition.filter((name) => name !== "main").map((name) => `src/${name}.ts`),
    rules: { "no-restricted-imports": restrict([]) },
  },
];

export default tseslint.config(
  { ignores: ["dist/**", "node_modules/**", "data/**", "coverage/**"] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ["**/*.js", "**/*.cjs"],
    languageOptions: {
      sourceType: "commonjs",
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
        __dirname: "readonly",
      },
    },
    rules: { "@typescript-eslint/no-require-imports": "off" },
  },
  {
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_", varsIgnorePattern: "^_" }],
      "no-console": "error",
    },
  },
  { files: ["scripts/**", "test/**"], rules: { "no-console": "off" } },
  ...dependencyDirection,
);
