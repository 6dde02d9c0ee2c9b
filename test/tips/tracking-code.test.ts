import {
  generateTrackingCode,
  isValidTrackingCode,
  looksLikeTrackingCode,
  normalizeTrackingCode,
  TRACKING_CODE_ALPHABET,
  TRACKING_CODE_ENTROPY_BITS,
} from "../../src/tips/tracking-code";

/** Codes pinned by hand: if one stops validating, the checksum changed and every issued code would break. */
const KNOWN_CODES = ["TK-7HXQ-M3PA-9CKG", "TK-2345-6789-ABC4", "TK-ZZZZ-ZZZZ-ZZZP", "TK-2222-2222-2222"];
const CODE_SHAPE = new RegExp(`^TK(-[${TRACKING_CODE_ALPHABET}]{4}){3}$`);

const symbolsOf = (code: string): string[] => [...code.replace(/^TK-/, "").replace(/-/g, "")];
const formatted = (symbols: readonly string[]): string =>
  `TK-${symbols.slice(0, 4).join("")}-${symbols.slice(4, 8).join("")}-${symbols.slice(8).join("")}`;
const toThaiDigits = (s: string): string => s.replace(/\d/g, (d) => String.fromCharCode(0x0e50 + Number(d)));

describe("tracking code alphabet", () => {
  test("when codes are read aloud or handwritten, then no 0/O, 1/I/L or U/V can be confused", () => {
    expect(TRACKING_CODE_ALPHABET).not.toMatch(/[01OILUV]/);
    expect(new Set(TRACKING_CODE_ALPHABET).size).toBe(TRACKING_CODE_ALPHABET.length);
  });

  test("when the alphabet size is checked, then it is the prime 29 the checksum proof relies on", () => {
    expect(TRACKING_CODE_ALPHABET).toHaveLength(29);
  });

  test("when the randomness is counted, then a code carries at least 50 bits", () => {
    expect(TRACKING_CODE_ENTROPY_BITS).toBeGreaterThanOrEqual(50);
  });
});

describe("generateTrackingCode", () => {
  const codes = Array.from({ length: 2000 }, () => generateTrackingCode());

  test("when codes are generated, then each is formatted TK-XXXX-XXXX-XXXX from the alphabet", () => {
    for (const code of codes) expect(code).toMatch(CODE_SHAPE);
  });

  test("when codes are generated, then each one carries a correct check character", () => {
    expect(codes.filter((code) => !isValidTrackingCode(code))).toEqual([]);
  });

  test("when 2000 codes are generated, then none repeats", () => {
    expect(new Set(codes).size).toBe(codes.length);
  });

  test("when 2000 codes are generated, then every symbol of the alphabet appears in every random position", () => {
    for (let position = 0; position < 11; position++) {
      const seen = new Set(codes.map((code) => symbolsOf(code)[position]));
      expect(seen.size).toBe(TRACKING_CODE_ALPHABET.length);
    }
  });
});

describe("check character", () => {
  const samples = [...KNOWN_CODES, ...Array.from({ length: 40 }, () => generateTrackingCode())];

  test.each(KNOWN_CODES)("when the pinned code %s is checked, then it is valid", (code) => {
    expect(isValidTrackingCode(code)).toBe(true);
  });

  test.each(samples)(
    "when any one symbol of %s is replaced by any other, then the code is invalid",
    (code) => {
      const symbols = symbolsOf(code);
      const accepted: string[] = [];
      symbols.forEach((original, position) => {
        for (const replacement of TRACKING_CODE_ALPHABET) {
          if (replacement === original) continue;
          const mutated = [...symbols];
          mutated[position] = replacement;
          if (isValidTrackingCode(formatted(mutated))) accepted.push(formatted(mutated));
        }
      });
      expect(accepted).toEqual([]);
    },
  );

  test.each(samples)("when any two different symbols of %s are swapped, then the code is invalid", (code) => {
    const symbols = symbolsOf(code);
    const accepted: string[] = [];
    for (let i = 0; i < symbols.length; i++) {
      for (let j = i + 1; j < symbols.length; j++) {
        if (symbols[i] === symbols[j]) continue;
        const mutated = [...symbols];
        [mutated[i], mutated[j]] = [symbols[j] ?? "", symbols[i] ?? ""];
        if (isValidTrackingCode(formatted(mutated))) accepted.push(formatted(mutated));
      }
    }
    expect(accepted).toEqual([]);
  });
});

describe("normalizeTrackingCode", () => {
  const code = "TK-7HXQ-M3PA-9CKG";

  test.each([
    ["TK-7HXQ-M3PA-9CKG", "the canonical form"],
    ["tk-7hxq-m3pa-9ckg", "lower case"],
    ["TK 7HXQ M3PA 9CKG", "spaces for dashes"],
    ["TK7HXQM3PA9CKG", "no dashes"],
    ["7HXQ-M3PA-9CKG", "no prefix"],
    ["7hxqm3pa9ckg", "no prefix, no dashes, lower case"],
    ["  TK--7HXQ--M3PA--9CKG  ", "extra dashes and spaces"],
    ["TK–7HXQ—M3PA‐9CKG", "typographic dashes from a phone keyboard"],
    [toThaiDigits("TK-7HXQ-M3PA-9CKG"), "Thai digits"],
    ["ＴＫ－７ＨＸＱ－Ｍ３ＰＡ－９ＣＫＧ", "full-width characters"],
    ["TK-7HX QM3-PA9 CKG", "groups split in the wrong places"],
  ])("when the citizen types %s (%s), then the canonical code is returned", (input) => {
    expect(normalizeTrackingCode(input)).toBe(code);
  });

  test.each([
    ["TK-7HXQ-M3PA-9CKH", "a wrong check character"],
    ["TK-7HXQ-M3PA-9CK", "a missing symbol"],
    ["TK-7HXQ-M3PA-9CKGG", "an extra symbol"],
    ["TK-7HXO-M3PA-9CKG", "O, which codes never contain"],
    ["TK-7HX0-M3PA-9CKG", "0, which codes never contain"],
    ["TK-7HX1-M3PA-9CKG", "1, which codes never contain"],
    ["TK-7HXI-M3PA-9CKG", "I, which codes never contain"],
    ["TK-7HXL-M3PA-9CKG", "L, which codes never contain"],
    ["TK-7HXU-M3PA-9CKG", "U, which codes never contain"],
    ["AB-7HXQ-M3PA-9CKG", "a different prefix"],
    ["", "nothing"],
    ["สวัสดีครับ", "Thai text"],
    ["รหัส TK-7HXQ-M3PA-9CKG", "a code inside a sentence"],
  ])("when the citizen types %s (%s), then it is not a code", (input) => {
    expect(normalizeTrackingCode(input)).toBeNull();
  });
});

describe("isValidTrackingCode", () => {
  test("when a generated code is typed loosely, then it is still valid", () => {
    const code = generateTrackingCode();
    expect(isValidTrackingCode(toThaiDigits(code.toLowerCase().replace(/-/g, " ")))).toBe(true);
  });

  test("when the check character is wrong, then the code is not valid", () => {
    expect(isValidTrackingCode("TK-7HXQ-M3PA-9CKH")).toBe(false);
  });
});

describe("looksLikeTrackingCode", () => {
  test.each([
    ["TK-7HXQ-M3PA-9CKG", "a valid code"],
    ["TK-7HXQ-M3PA-9CKH", "a code with a typo"],
    ["TK-7HXO-M3PA-9CKG", "a code with a misread O"],
    ["tk 7hxq m3pa 9ck", "a code missing a symbol"],
    ["7HXQM3PA9CKGG", "a code with an extra symbol"],
    ["TK-HXQM-NPAW-CKRZ", "a code without digits"],
    ["HXQM-NPAW-CKRZ", "a code without digits or prefix, grouped"],
    [toThaiDigits("7HXQ M3PA 9CKH"), "a mistyped code in Thai digits"],
  ])("when the citizen types %s (%s), then it looks like a code", (input) => {
    expect(looksLikeTrackingCode(input)).toBe(true);
  });

  test.each([
    ["", "nothing"],
    ["สวัสดีครับ", "a Thai greeting"],
    ["hello", "an English word"],
    ["26/08/2563", "a date"],
    ["0812345678", "a phone number"],
    ["PLEASE CALL ME BACK", "an English sentence"],
    ["INFORMATIONS", "a long English word"],
    ["TK-7HXQ", "a fragment"],
    ["รหัส TK-7HXQ-M3PA-9CKG", "a sentence holding a code"],
  ])("when the citizen types %s (%s), then it does not look like a code", (input) => {
    expect(looksLikeTrackingCode(input)).toBe(false);
  });

  test("when 500 generated codes are typed without prefix or dashes, then all of them look like codes", () => {
    const codes = Array.from({ length: 500 }, () => generateTrackingCode().slice(3).replace(/-/g, ""));
    expect(codes.filter((code) => !looksLikeTrackingCode(code))).toEqual([]);
  });
});
