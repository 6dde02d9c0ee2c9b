/** One entry of a LINE error's `details` (LINE-FACTS §7). */
export interface ErrorDetail {
  message: string;
  property: string;
}

/** A request as the endpoint handlers see it: already authenticated and parsed. */
export interface ApiRequest {
  method: string;
  path: string;
  params: Record<string, string>;
  /** Query string parameters (first value of each). */
  query: Record<string, string>;
  body: unknown;
  /** Lower-case header name. */
  header(name: string): string | undefined;
  /** This request's x-line-request-id (a 409 points at the accepted one with x-line-accepted-request-id). */
  requestId: string;
}

export interface ApiResponse {
  status: number;
  headers?: Record<string, string>;
  /** A JSON body; omitted for bodiless answers such as a 202 on content still being prepared. */
  json?: unknown;
  binary?: { bytes: Buffer; contentType: string };
}

/** LINE's error shape: `{"message": ..., "details": [...]}`, with `details` omitted when empty (LINE-FACTS §7). */
export function lineError(status: number, message: string, details: ErrorDetail[] = []): ApiResponse {
  return { status, json: details.length > 0 ? { message, details } : { message } };
}

/** A 400 for a body that failed validation, worded like LINE's own example. */
export function validationError(details: ErrorDetail[]): ApiResponse {
  return lineError(400, `The request body has ${details.length} error(s)`, details);
}

export const ok = (json: unknown, status = 200): ApiResponse => ({ status, json });

/** Default bodies for injected faults, so a test only has to say the status. */
export function defaultFaultBody(status: number): unknown {
  if (status === 429) return { message: "The API rate limit has been exceeded. Try again later." };
  if (status === 401) return { message: "Authentication failed. Confirm that the access token is valid." };
  if (status >= 500) return { message: "Internal server error" };
  return { message: `Fault injected: ${status}` };
}
