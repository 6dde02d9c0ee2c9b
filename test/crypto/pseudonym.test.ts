import { createPseudonymizer } from "../../src/crypto/pseudonym";

/** The module object the source calls into (a namespace import is a copy whose properties cannot be spied on). */
const crypto = jest.requireActual<typeof import("node:crypto")>("node:crypto");
const key = Buffer.alloc(32, 3);
const userId = (n: number) => "U" + n.toString(16).padStart(32, "0");
/** The pseudonym as DESIGN.md defines it, computed without the memo. */
const hmac = (purpose: string, id: string) =>
  crypto.createHmac("sha256", key).update(`${purpose}:${id}`).digest("base64url");

describe("pseudonym memo", () => {
  let computed: jest.SpyInstance;
  beforeEach(() => {
    computed = jest.spyOn(crypto, "createHmac");
  });
  afterEach(() => computed.mockRestore());

  test("when the same user is pseudonymised again, then the HMAC is computed once and the pseudonym is the same", () => {
    const pseudonym = createPseudonymizer(key);
    const first = pseudonym("reporter", userId(1));
    expect(pseudonym("reporter", userId(1))).toBe(first);
    expect(pseudonym("reporter", userId(1))).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
    expect(first).toBe(hmac("reporter", userId(1)));
  });

  test("when one id is pseudonymised for several purposes, then each purpose gets its own remembered pseudonym", () => {
    const pseudonym = createPseudonymizer(key);
    const id = userId(2);
    const reporter = pseudonym("reporter", id);
    const subscriber = pseudonym("subscriber", id);
    const source = pseudonym("source", `user:${id}`);
    expect(new Set([reporter, subscriber, source]).size).toBe(3);
    expect(pseudonym("subscriber", id)).toBe(subscriber);
    expect(pseudonym("reporter", id)).toBe(reporter);
    expect(computed).toHaveBeenCalledTimes(3);
    expect([reporter, subscriber]).toEqual([hmac("reporter", id), hmac("subscriber", id)]);
  });

  test("when more ids pass than the memo holds, then the oldest are computed again and the results do not change", () => {
    const pseudonym = createPseudonymizer(key, 10);
    const first = pseudonym("reporter", userId(0));
    for (let n = 1; n <= 10; n++) pseudonym("reporter", userId(n));
    computed.mockClear();
    // Ten newer pairs passed a memo of ten: the first is gone and is computed again, to the same value.
    expect(pseudonym("reporter", userId(0))).toBe(first);
    expect(computed).toHaveBeenCalledTimes(1);
  });

  test("when many ids pass, then the memo never holds more than its capacity", () => {
    const pseudonym = createPseudonymizer(key, 10);
    for (let n = 0; n < 1000; n++) pseudonym("reporter", userId(n));
    computed.mockClear();
    // Of the last 20 ids at most 10 are remembered: the other 10 or more are computed again.
    for (let n = 980; n < 1000; n++) pseudonym("reporter", userId(n));
    expect(computed.mock.calls.length).toBeGreaterThanOrEqual(10);
  });

  test("when a pair is in use, then it stays remembered however many others pass", () => {
    const pseudonym = createPseudonymizer(key, 10);
    for (let n = 1; n <= 100; n++) {
      pseudonym("reporter", userId(0)); // a chat in a conversation, between others
      pseudonym("reporter", userId(n));
    }
    expect(computed).toHaveBeenCalledTimes(101);
  });
});
