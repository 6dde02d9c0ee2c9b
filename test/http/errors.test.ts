import express from "express";
import type { AddressInfo } from "node:net";
import { errorHandler, HttpError } from "../../src/http/errors";
import { createLogger } from "../../src/log";

/** A tiny app whose only route fails with the given error, answered by the real error handler. */
async function answerFor(error: unknown): Promise<{ status: number; body: unknown }> {
  const app = express();
  app.get("/", (_req, _res, next) => next(error));
  app.use(errorHandler(createLogger({ level: "silent" })));
  const server = app.listen(0, "127.0.0.1");
  await new Promise((resolve) => server.once("listening", resolve));
  try {
    const response = await fetch(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    return { status: response.status, body: await response.json() };
  } finally {
    server.close();
  }
}

function namedError(name: string): Error {
  const error = new Error("connection refused 127.0.0.1:27017");
  error.name = name;
  return error;
}

describe("HTTP error answers", () => {
  test.each(["MongoServerSelectionError", "MongoNetworkError", "MongoNotConnectedError"])(
    "when the database is unreachable (%s), then the answer is 503 so LINE can redeliver",
    async (name) => {
      expect(await answerFor(namedError(name))).toEqual({
        status: 503,
        body: { error: "temporarily unavailable" },
      });
    },
  );

  test("when a handler throws an HttpError, then its status and message are the answer", async () => {
    expect(await answerFor(new HttpError(422, "bad field", [{ field: "x" }]))).toEqual({
      status: 422,
      body: { error: "bad field", details: [{ field: "x" }] },
    });
  });

  test("when something unexpected fails, then the answer is a bare 500 that leaks nothing", async () => {
    expect(await answerFor(new Error("secret detail from a reporter's message"))).toEqual({
      status: 500,
      body: { error: "internal error" },
    });
  });
});
