import { answerPostback, commandPostback, parsePostback } from "../../src/conversation/postback";

const values = [
  "",
  "yes",
  "TK-ABCD-EFGH-JKMN",
  "a b",
  "a+b",
  "x&y=z",
  "100%",
  "*-._~!'()",
  "สันทราย",
  "ข้อ 1/2",
  "😀",
];

describe("postback data", () => {
  test.each(values)(
    "when %j is written into a button, then the data is what URLSearchParams writes and reads back",
    (value) => {
      expect(answerPostback("report", "step one", 7, value)).toBe(
        new URLSearchParams({ f: "report", s: "step one", r: "7", v: value }).toString(),
      );
      expect(commandPostback("status", value)).toBe(
        new URLSearchParams({ c: "status", v: value }).toString(),
      );
      expect(commandPostback(value || "menu")).toBe(new URLSearchParams({ c: value || "menu" }).toString());
      expect(parsePostback(answerPostback("report", "when", 3, value))).toEqual({
        type: "answer",
        flow: "report",
        step: "when",
        revision: 3,
        value,
      });
    },
  );
});
