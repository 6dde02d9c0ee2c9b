import { parseIncidentDate, parseIsoDatePickerValue } from "../../../src/conversation/parsers/date";
import { normalizeThaiDigits } from "../../../src/i18n/thai-digits";

/** Wednesday 25 November 2026 (BE 2569), mid-morning in Bangkok. */
const NOW = new Date("2026-11-25T10:00:00+07:00");

describe("parseIncidentDate", () => {
  describe("relative answers", () => {
    test.each([
      ["วันนี้", "2026-11-25"],
      ["เมื่อวาน", "2026-11-24"],
      ["เมื่อวานนี้ครับ", "2026-11-24"],
      ["เมื่อวานตอนเย็น", "2026-11-24"],
      ["เมื่อคืน", "2026-11-24"],
      ["เมื่อวานซืน", "2026-11-23"],
      ["3 วันก่อน", "2026-11-22"],
      ["๓ วันที่แล้ว", "2026-11-22"],
      ["เมื่อ 10 วันที่แล้วค่ะ", "2026-11-15"],
      ["สองวันก่อน", "2026-11-23"],
      ["สัปดาห์ที่แล้ว", "2026-11-18"],
      ["อาทิตย์ที่แล้ว", "2026-11-18"],
      ["2 อาทิตย์ก่อน", "2026-11-11"],
      ["เดือนที่แล้ว", "2026-10-25"],
      ["today", "2026-11-25"],
      ["Yesterday", "2026-11-24"],
      ["yesterday at 3pm", "2026-11-24"],
      ["5 days ago", "2026-11-20"],
      ["two days ago", "2026-11-23"],
      ["last week", "2026-11-18"],
      ["2 weeks ago", "2026-11-11"],
      ["last month", "2026-10-25"],
    ])("when the citizen writes %s, then the date is %s", (input, date) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "exact", date });
    });

    test.each([
      ["2026-03-31T12:00:00+07:00", "2026-02-28"],
      ["2024-03-31T12:00:00+07:00", "2024-02-29"],
      ["2026-01-15T12:00:00+07:00", "2025-12-15"],
    ])("when it is %s and the citizen writes เดือนที่แล้ว, then the day is clamped to %s", (now, date) => {
      expect(parseIncidentDate("เดือนที่แล้ว", new Date(now))).toEqual({ kind: "exact", date });
    });
  });

  describe("written dates", () => {
    test.each([
      ["26 ส.ค. 63", "2020-08-26"],
      ["26 ส.ค. 2563", "2020-08-26"],
      ["26 สิงหาคม 2563", "2020-08-26"],
      ["26/08/2563", "2020-08-26"],
      ["26/8/20", "2020-08-26"],
      ["26-08-2563", "2020-08-26"],
      ["26.08.2563", "2020-08-26"],
      ["2020-08-26", "2020-08-26"],
      ["2563-08-26", "2020-08-26"],
      ["26 Aug 2020", "2020-08-26"],
      ["August 26, 2020", "2020-08-26"],
      ["Sept 26, 2020", "2020-09-26"],
      ["26 august 20", "2020-08-26"],
      ["26th of August 2020", "2020-08-26"],
      ["๒๖/๐๘/๒๕๖๓", "2020-08-26"],
      ["๒๖ สิงหาคม ๒๕๖๓", "2020-08-26"],
      ["๒๖ สิงหา ๖๓", "2020-08-26"],
      ["26 สค 63", "2020-08-26"],
      ["26ส.ค.63", "2020-08-26"],
      ["วันที่ 26 ส.ค. 2563", "2020-08-26"],
      ["เมื่อวันที่ 26 สิงหาคม พ.ศ. 2563", "2020-08-26"],
      ["วันพุธที่ 26 สิงหาคม 2563", "2020-08-26"],
      ["26 เดือนสิงหาคม ปี 2563", "2020-08-26"],
      ["26 Aug ค.ศ. 2020", "2020-08-26"],
      ["26 ส.ค. 2020", "2020-08-26"],
      ["26 กรกฏาคม 2563", "2020-07-26"],
      ["26 ส.ค. 63 เวลา 10.30 น.", "2020-08-26"],
      ["26/08/2563 ประมาณ 10 โมง", "2020-08-26"],
      ["29 ก.พ. 2567", "2024-02-29"],
      ["25 พ.ย. 69", "2026-11-25"],
    ])("when the citizen writes %s, then the date is %s", (input, date) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "exact", date });
    });

    // Two-digit years: see yearCandidates in date.ts for the rule these cases pin down.
    test.each([
      ["26/08/63", "2020-08-26", "CE 2063 is in the future, so BE 2563"],
      ["26/08/69", "2026-08-26", "CE 2069 is in the future, so BE 2569"],
      ["26/08/26", "2026-08-26", "BE 2526 (1983) is further from now than CE 2026"],
      ["26/08/50", "2007-08-26", "CE 2050 is in the future, so BE 2550"],
      ["26 aug 63", "2020-08-26", "an English month does not force CE 2063"],
      ["26 ส.ค. 20", "1977-08-26", "a Thai month name always means BE 2520"],
      ["26 ส.ค. ค.ศ. 20", "2020-08-26", "ค.ศ. overrides the Thai month's BE"],
    ])("when the citizen writes %s, then the date is %s (%s)", (input, date) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "exact", date });
    });

    test.each([
      ["26 ส.ค.", "2026-08-26"],
      ["26 ธ.ค.", "2025-12-26"],
      ["26/12", "2025-12-26"],
      ["Aug 20", "2026-08-20"],
      ["29 ก.พ.", "2024-02-29"],
    ])(
      "when the citizen writes %s without a year, then the latest past occurrence %s is meant",
      (input, date) => {
        expect(parseIncidentDate(input, NOW)).toEqual({ kind: "exact", date });
      },
    );

    const thaiMonths: readonly (readonly [string, string, string])[] = [
      ["มกราคม", "ม.ค.", "มค"],
      ["กุมภาพันธ์", "ก.พ.", "กพ"],
      ["มีนาคม", "มี.ค.", "มีค"],
      ["เมษายน", "เม.ย.", "เมย"],
      ["พฤษภาคม", "พ.ค.", "พค"],
      ["มิถุนายน", "มิ.ย.", "มิย"],
      ["กรกฎาคม", "ก.ค.", "กค"],
      ["สิงหาคม", "ส.ค.", "สค"],
      ["กันยายน", "ก.ย.", "กย"],
      ["ตุลาคม", "ต.ค.", "ตค"],
      ["พฤศจิกายน", "พ.ย.", "พย"],
      ["ธันวาคม", "ธ.ค.", "ธค"],
    ];
    const englishMonths = [
      "January",
      "February",
      "March",
      "April",
      "May",
      "June",
      "July",
      "August",
      "September",
      "October",
      "November",
      "December",
    ];
    const monthCases = thaiMonths.flatMap((names, i) => {
      const month = String(i + 1).padStart(2, "0");
      const english = englishMonths[i] ?? "";
      const expected = `2024-${month}-15`;
      return [
        ...names.map((name) => [`15 ${name} 2567`, expected] as const),
        [`15 ${english} 2024`, expected] as const,
        [`15 ${english.slice(0, 3).toLowerCase()} 24`, expected] as const,
      ];
    });
    test.each(monthCases)("when the citizen writes %s, then the month is read as in %s", (input, date) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "exact", date });
    });
  });

  describe("approximate answers", () => {
    test.each([
      "ต้นปี 2563",
      "กลางปี 2563",
      "ปลายปี 63",
      "ไม่แน่ใจ",
      "จำไม่ได้ครับ",
      "ไม่ทราบ",
      "ประมาณ 26 ส.ค. 63",
      "ช่วงสงกรานต์ปี 2563",
      "ปลายสิงหา 63",
      "วันก่อน",
      "สองสามวันก่อน",
      "หลายเดือนก่อน",
      "ปีที่แล้ว",
      "early 2020",
      "mid-2020",
      "late 2019",
      "around August 2020",
      "not sure",
      "about 3 days ago",
      "a few days ago",
      "last year",
      "ส.ค. 2563",
      "สิงหาคม 63",
      "เดือนสิงหาคม 2563",
      "August 2020",
      "08/2563",
      "2563",
      "2020",
      "ปี 63",
      "พ.ศ. 2563",
    ])("when the citizen writes %s, then it is kept as an approximate answer", (input) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "approximate", text: input });
    });

    test("when the citizen's vague answer has surrounding spaces, then the kept text is trimmed", () => {
      expect(parseIncidentDate("  ไม่แน่ใจ  ", NOW)).toEqual({ kind: "approximate", text: "ไม่แน่ใจ" });
    });
  });

  describe("invalid answers", () => {
    test.each([
      ["พรุ่งนี้", "future"],
      ["tomorrow", "future"],
      ["26 พ.ย. 69", "future"],
      ["26/11/2569", "future"],
      ["26/12/69", "future"],
      ["1 ม.ค. 2570", "future"],
      ["2570", "future"],
      ["2027", "future"],
      ["ธ.ค. 2569", "future"],
      ["ปลายปี 2570", "future"],
      ["ประมาณ 26 ธ.ค. 69", "future"],
      ["31/02/2563", "impossible"],
      ["30 ก.พ. 2563", "impossible"],
      ["29 ก.พ. 2566", "impossible"],
      ["31 เม.ย. 63", "impossible"],
      ["26/13/2563", "impossible"],
      ["08/26/2020", "impossible"],
      ["32 ส.ค. 63", "impossible"],
      ["0/08/2563", "impossible"],
      ["26/08/1850", "impossible"],
      ["13/2563", "impossible"],
      ["", "unrecognised"],
      ["   ", "unrecognised"],
      ["สวัสดีครับ", "unrecognised"],
      ["hello", "unrecognised"],
      ["26", "unrecognised"],
      ["26 ฟหกด 2563", "unrecognised"],
      ["26/08/256", "unrecognised"],
      ["ประมาณ ".repeat(2000), "unrecognised"],
    ])("when the citizen writes %j, then the answer is refused as %s", (input, reason) => {
      expect(parseIncidentDate(input, NOW)).toEqual({ kind: "invalid", reason });
    });
  });

  describe("time zone", () => {
    /** 20:00 UTC on the 24th is 03:00 on the 25th in Bangkok. */
    const lateEveningUtc = new Date("2026-11-24T20:00:00Z");

    test("when it is already the 25th in Bangkok but the 24th in UTC, then วันนี้ is the Bangkok day", () => {
      expect(parseIncidentDate("วันนี้", lateEveningUtc)).toEqual({ kind: "exact", date: "2026-11-25" });
    });

    test("when the same instant is judged in UTC, then วันนี้ is the 24th", () => {
      expect(parseIncidentDate("วันนี้", lateEveningUtc, "UTC")).toEqual({ kind: "exact", date: "2026-11-24" });
    });

    test("when the citizen writes the Bangkok date of the 25th, then it is not in the future", () => {
      expect(parseIncidentDate("25/11/2569", lateEveningUtc)).toEqual({ kind: "exact", date: "2026-11-25" });
      expect(parseIncidentDate("25/11/2569", lateEveningUtc, "UTC")).toEqual({
        kind: "invalid",
        reason: "future",
      });
    });
  });
});

describe("parseIsoDatePickerValue", () => {
  test.each([
    ["2020-08-26", { kind: "exact", date: "2020-08-26" }],
    ["2020-08-26T10:00", { kind: "exact", date: "2020-08-26" }],
    ["2026-11-25", { kind: "exact", date: "2026-11-25" }],
    ["2026-11-26", { kind: "invalid", reason: "future" }],
    ["2026-02-30", { kind: "invalid", reason: "impossible" }],
    ["1800-01-01", { kind: "invalid", reason: "impossible" }],
    ["26/08/2020", { kind: "invalid", reason: "unrecognised" }],
    ["", { kind: "invalid", reason: "unrecognised" }],
  ])("when the picker sends %s, then the result is %j", (value, expected) => {
    expect(parseIsoDatePickerValue(value, NOW)).toEqual(expected);
  });

  test("when the picker's date is today in Bangkok but tomorrow in UTC, then it is accepted", () => {
    expect(parseIsoDatePickerValue("2026-11-25", new Date("2026-11-24T20:00:00Z"))).toEqual({
      kind: "exact",
      date: "2026-11-25",
    });
  });
});

describe("normalizeThaiDigits", () => {
  test.each([
    ["๐๑๒๓๔๕๖๗๘๙", "0123456789"],
    ["ปี ๒๕๖๓", "ปี 2563"],
    ["no digits", "no digits"],
    ["๒๖/08/2563", "26/08/2563"],
  ])("when the text is %s, then Thai digits become %s", (input, expected) => {
    expect(normalizeThaiDigits(input)).toBe(expected);
  });
});
