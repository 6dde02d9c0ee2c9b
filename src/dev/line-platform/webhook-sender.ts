/** LINE's side of a webhook: sign the exact body and POST it (LINE-FACTS §1, §2). */
import { createHmac } from "node:crypto";

/** base64(HMAC-SHA256(key = channel secret, message = the body bytes as sent)). */
export function signWebhookBody(rawBody: string, channelSecret: string): string {
  return createHmac("sha256", channelSecret).update(rawBody, "utf8").digest("base64");
}

export interface WebhookResponse {
  status: number;
  body: string;
}

/**
 * POSTs a signed body. LINE waits 2 seconds for an answer (error reason request_timeout), so a
 * slower bot fails here too instead of passing tests it would fail in production.
 */
export async function postWebhook(
  url: string,
  rawBody: string,
  signature: string,
  timeoutMs: number,
): Promise<WebhookResponse> {
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json; charset=utf-8",
        "x-line-signature": signature,
        "user-agent": "LineBotWebhook/2.0",
      },
      body: rawBody,
      signal: AbortSignal.timeout(timeoutMs),
    });
    return { status: response.status, body: await response.text() };
  } catch (error) {
    if ((error as { name?: unknown }).name === "TimeoutError") {
      throw new Error(`webhook ${url} did not answer within ${timeoutMs} ms (LINE: request_timeout)`, {
        cause: error,
      });
    }
    throw new Error(`webhook ${url} could not be reached (LINE: could_not_connect)`, { cause: error });
  }
}
