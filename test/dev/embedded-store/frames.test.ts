import { encodeFrame, readFrames, type ScanEnd } from "../../../src/dev/embedded-store/frames";
import type { Doc } from "../../../src/dev/embedded-store/documents";

function scan(data: Buffer): { records: Doc[]; end: ScanEnd } {
  const records: Doc[] = [];
  const frames = readFrames(data);
  for (let next = frames.next(); ; next = frames.next()) {
    if (next.done) return { records, end: next.value };
    records.push(next.value.record);
  }
}

const three = Buffer.concat([
  encodeFrame({ n: 1 }),
  encodeFrame({ n: 2, text: "เมื่อวาน" }),
  encodeFrame({ n: 3 }),
]);

test("when frames are read back, then the records come out in order and the scan ends clean", () => {
  expect(scan(three)).toEqual({
    records: [{ n: 1 }, { n: 2, text: "เมื่อวาน" }, { n: 3 }],
    end: { status: "clean", validLength: three.length },
  });
});

test("when the data is cut at any byte inside the last frame, then the earlier frames are read and the rest is a torn tail", () => {
  const lastStart = three.length - encodeFrame({ n: 3 }).length;
  for (let cut = lastStart + 1; cut < three.length; cut++) {
    expect(scan(three.subarray(0, cut))).toEqual({
      records: [{ n: 1 }, { n: 2, text: "เมื่อวาน" }],
      end: { status: "torn", validLength: lastStart },
    });
  }
});

test("when a byte of a middle frame changes, then the scan stops there and reports damage, not a torn tail", () => {
  const secondStart = encodeFrame({ n: 1 }).length;
  for (const offset of [secondStart + 2, secondStart + 5, secondStart + 9, secondStart + 20]) {
    const damaged = Buffer.from(three);
    damaged[offset] = (damaged[offset] as number) ^ 0x40;

    expect(scan(damaged)).toEqual({
      records: [{ n: 1 }],
      end: { status: "damaged", validLength: secondStart },
    });
  }
});

test("when the last frame is complete but fails its checksum and nothing follows, then it counts as a torn tail", () => {
  const damaged = Buffer.from(three);
  damaged[damaged.length - 2] = (damaged[damaged.length - 2] as number) ^ 0x01;

  expect(scan(damaged).end.status).toBe("torn");
});

test("when zeros follow the last frame (space the file system allocated but never wrote), then they are a torn tail", () => {
  const data = Buffer.concat([three, Buffer.alloc(4096)]);

  expect(scan(data)).toEqual({
    records: [{ n: 1 }, { n: 2, text: "เมื่อวาน" }, { n: 3 }],
    end: { status: "torn", validLength: three.length },
  });
});
