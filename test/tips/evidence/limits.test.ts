import { defaultAllowedFileTypes, planStorage, resolveFileType } from "../../../src/tips/evidence/limits";

describe("resolveFileType", () => {
  it("when LINE names a type, then that type is used in its canonical spelling", () => {
    expect(resolveFileType("Image/JPG; charset=binary", "report.pdf")).toBe("image/jpeg");
  });

  it("when LINE says octet-stream, then the file name's extension decides", () => {
    expect(resolveFileType("application/octet-stream", "สัญญา.DOCX")).toBe(
      "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    );
  });

  it("when neither header nor extension says anything, then the type stays octet-stream", () => {
    expect(resolveFileType(undefined, "notes")).toBe("application/octet-stream");
  });
});

describe("planStorage", () => {
  const allowed = defaultAllowedFileTypes;

  it("when the kind is image, then the bytes are re-encoded whatever the header says", () => {
    expect(planStorage("image", "application/octet-stream", undefined, allowed)).toEqual({ mode: "image" });
  });

  it("when a file is a photo, then it is re-encoded like one", () => {
    expect(planStorage("file", "application/octet-stream", "IMG_0001.jpg", allowed)).toEqual({
      mode: "image",
    });
  });

  it("when a file is a PDF, then it is streamed as application/pdf", () => {
    expect(planStorage("file", "application/pdf", "a.pdf", allowed)).toEqual({
      mode: "stream",
      contentType: "application/pdf",
    });
  });

  it("when a file is an executable, then it is refused", () => {
    expect(planStorage("file", "application/x-msdownload", "setup.exe", allowed)).toEqual({ mode: "refuse" });
  });

  it("when a file type is unknown, then it is refused", () => {
    expect(planStorage("file", "application/octet-stream", "data.bin", allowed)).toEqual({ mode: "refuse" });
  });

  it("when a video arrives with an audio type, then it is refused", () => {
    expect(planStorage("video", "audio/mp4", undefined, allowed)).toEqual({ mode: "refuse" });
  });

  it("when a voice message arrives as audio/x-m4a, then it is streamed as audio/mp4", () => {
    expect(planStorage("audio", "audio/x-m4a", undefined, allowed)).toEqual({
      mode: "stream",
      contentType: "audio/mp4",
    });
  });
});
