import { type Doc, isPlainObject } from "./documents";
import { CommandError, missingField, unknownField, unsupported } from "./errors";

/**
 * A MongoDB collation mapped onto `Intl.Collator`, which is ICU too. What ICU options `Intl` does not
 * expose (French `backwards`, `alternate: "shifted"` with `maxVariable: "space"`) are refused rather
 * than approximated, so an answer is either MongoDB's or an error.
 */
export interface Collation {
  /** The full spec as MongoDB reports it (listIndexes, listCollections). */
  readonly spec: Doc;
  /** Equal for two collations exactly when they order strings the same way. */
  readonly key: string;
  compare(a: string, b: string): number;
}

/** The ICU version MongoDB 8.0 reports in a collation's `version`. */
const ICU_VERSION = "57.1";

const FIELDS = new Set([
  "locale",
  "caseLevel",
  "caseFirst",
  "strength",
  "numericOrdering",
  "alternate",
  "maxVariable",
  "normalization",
  "backwards",
  "version",
]);

/**
 * Parses a collation document. `undefined` means the simple (binary) collation: no collation given,
 * `{}`, or `{ locale: "simple" }`.
 */
export function parseCollation(raw: unknown, field = "collation"): Collation | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!isPlainObject(raw)) {
    throw new CommandError("TypeMismatch", `BSON field '${field}' is the wrong type, expected type 'object'`);
  }
  if (Object.keys(raw).length === 0) return undefined;
  for (const key of Object.keys(raw)) {
    if (!FIELDS.has(key)) throw unknownField(`${field}.${key}`);
  }
  const locale = raw.locale;
  if (locale === undefined) throw missingField(`${field}.locale`);
  if (typeof locale !== "string") {
    throw new CommandError(
      "TypeMismatch",
      `BSON field '${field}.locale' is the wrong type, expected type 'string'`,
    );
  }
  if (locale === "simple") {
    if (Object.keys(raw).length > 1) {
      throw new CommandError(
        "BadValue",
        "If the locale is 'simple', no other collation options may be specified",
      );
    }
    return undefined;
  }
  const strength = enumField(raw, "strength", [1, 2, 3, 4, 5], 3, field);
  const caseLevel = boolField(raw, "caseLevel", false, field);
  const caseFirst = enumField(raw, "caseFirst", ["upper", "lower", "off"], "off", field);
  const numericOrdering = boolField(raw, "numericOrdering", false, field);
  const alternate = enumField(raw, "alternate", ["non-ignorable", "shifted"], "non-ignorable", field);
  const maxVariable = enumField(raw, "maxVariable", ["punct", "space"], "punct", field);
  const normalization = boolField(raw, "normalization", false, field);
  const backwards = boolField(raw, "backwards", false, field);
  if (raw.version !== undefined && raw.version !== ICU_VERSION) {
    throw new CommandError("BadValue", `Field 'version' is invalid in: ${JSON.stringify(raw)}`);
  }

  const tag = localeTag(locale);
  if (Intl.Collator.supportedLocalesOf([tag]).length === 0) {
    throw new CommandError("BadValue", `Field 'locale' is invalid in: { locale: "${locale}" }`);
  }
  if (backwards) throw unsupported(`${field}.backwards: true`);
  if (alternate === "shifted" && maxVariable === "space") {
    throw unsupported(`${field}.alternate "shifted" with maxVariable "space"`);
  }

  const collator = new Intl.Collator(tag, {
    usage: "sort",
    sensitivity: sensitivityOf(strength, caseLevel),
    caseFirst: caseFirst === "off" ? "false" : (caseFirst as "upper" | "lower"),
    numeric: numericOrdering,
    ignorePunctuation: alternate === "shifted",
  });
  const identical = strength === 5;
  const spec: Doc = {
    locale,
    caseLevel,
    caseFirst,
    strength,
    numericOrdering,
    alternate,
    maxVariable,
    normalization,
    backwards,
    version: ICU_VERSION,
  };
  return {
    spec,
    key: JSON.stringify(spec),
    // The identical level breaks remaining ties by code point, as ICU's does.
    compare: identical
      ? (a, b) => collator.compare(a, b) || (a < b ? -1 : a > b ? 1 : 0)
      : (a, b) => collator.compare(a, b),
  };
}

/** Whether two collations (either possibly simple) order strings alike. */
export function sameCollation(a: Collation | undefined, b: Collation | undefined): boolean {
  return (a?.key ?? "simple") === (b?.key ?? "simple");
}

/**
 * ICU levels to `Intl` sensitivity: primary compares base letters, secondary adds accents, tertiary
 * and above add case. `caseLevel` adds case to the lower levels.
 */
function sensitivityOf(strength: number, caseLevel: boolean): "base" | "accent" | "case" | "variant" {
  if (strength === 1) return caseLevel ? "case" : "base";
  if (strength === 2) return caseLevel ? "variant" : "accent";
  return "variant";
}

/** MongoDB names locales ICU-style (`fr_CA`, `de@collation=phonebook`); `Intl` wants BCP 47. */
function localeTag(locale: string): string {
  const [base = "", keywords] = locale.split("@", 2);
  let tag = base.replace(/_/g, "-");
  if (keywords !== undefined) {
    const match = /^collation=([a-z]+)$/.exec(keywords);
    if (!match) throw new CommandError("BadValue", `Field 'locale' is invalid in: { locale: "${locale}" }`);
    const type = match[1] === "phonebook" ? "phonebk" : match[1] === "traditional" ? "trad" : match[1];
    tag = `${tag}-u-co-${type}`;
  }
  try {
    return Intl.getCanonicalLocales(tag)[0] ?? tag;
  } catch {
    throw new CommandError("BadValue", `Field 'locale' is invalid in: { locale: "${locale}" }`);
  }
}

function enumField<T>(raw: Doc, name: string, allowed: readonly T[], fallback: T, field: string): T {
  const value = raw[name];
  if (value === undefined) return fallback;
  if (!allowed.includes(value as T)) {
    throw new CommandError("BadValue", `Field '${name}' is invalid in: ${field}: ${JSON.stringify(raw)}`);
  }
  return value as T;
}

function boolField(raw: Doc, name: string, fallback: boolean, field: string): boolean {
  const value = raw[name];
  if (value === undefined) return fallback;
  if (typeof value !== "boolean") {
    throw new CommandError(
      "TypeMismatch",
      `BSON field '${field}.${name}' is the wrong type, expected type 'bool'`,
    );
  }
  return value;
}
