/**
 * The HTTP face of the fake platform: routing, authentication, body parsing, fault injection and
 * the call record around the endpoint handlers.
 */
import express, { type NextFunction, type Request, type Response, type Router } from "express";
import { lineError, type ApiRequest, type ApiResponse } from "./api-response";
import type { FaultInjector } from "./faults";
import type { IdFactory } from "./ids";
import type { Route } from "./platform-state";
import type { RecordedCall } from "./types";

/** Request bodies over 2 MB get 413 (LINE-FACTS §4). */
export const BODY_LIMIT_BYTES = 2 * 1024 * 1024;

export interface ApiRouterDeps {
  routes: Route[];
  channelAccessToken?: string;
  faults: FaultInjector;
  ids: IdFactory;
  now(): number;
  record(call: RecordedCall): void;
  calls(filter?: { endpoint?: string }): RecordedCall[];
  clearCalls(): void;
}

interface CompiledRoute {
  route: Route;
  endpoint: string;
  pattern: RegExp;
}

function compile(route: Route): CompiledRoute {
  const escaped = route.template.replace(/[.*+?^$()|[\]\\]/g, "\\$&");
  const pattern = new RegExp(`^${escaped.replace(/\{(\w+)\}/g, "(?<$1>[^/]+)")}$`);
  return { route, endpoint: `${route.method} ${route.template}`, pattern };
}

interface Match {
  route: Route;
  endpoint: string;
  params: Record<string, string>;
}

function matchRoute(routes: CompiledRoute[], method: string, path: string): Match | undefined {
  for (const compiled of routes) {
    if (compiled.route.method !== method) continue;
    const found = compiled.pattern.exec(path);
    if (!found) continue;
    const params: Record<string, string> = {};
    for (const [name, value] of Object.entries(found.groups ?? {})) params[name] = decodeURIComponent(value);
    return { route: compiled.route, endpoint: compiled.endpoint, params };
  }
  return undefined;
}

type ParsedBody = { ok: true; body: unknown } | { ok: false };

/**
 * POST bodies are JSON unless the route takes raw bytes (image uploads) or no body at all (link,
 * delete); GET bodies are ignored. A host app's own body parser may have run already.
 */
function parseBody(req: Request, kind: Route["body"] = "json"): ParsedBody {
  if (req.method === "GET" || kind === "none") return { ok: true, body: undefined };
  const raw: unknown = req.body;
  if (kind === "raw") return { ok: true, body: Buffer.isBuffer(raw) ? raw : Buffer.alloc(0) };
  if (!Buffer.isBuffer(raw) && typeof raw !== "string") return { ok: raw !== undefined, body: raw };
  try {
    return { ok: true, body: JSON.parse(raw.toString("utf8")) };
  } catch {
    return { ok: false };
  }
}

/** The recorded headers: never Authorization, whose bearer token is a secret. */
function recordedHeaders(req: Request): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const name of ["x-line-retry-key", "content-type"]) {
    const value = req.header(name);
    if (value !== undefined) headers[name] = value;
  }
  return headers;
}

function queryOf(req: Request): Record<string, string> {
  const query: Record<string, string> = {};
  for (const [name, value] of new URLSearchParams(req.originalUrl.split("?")[1] ?? "")) query[name] ??= value;
  return query;
}

/** LINE's 401 answers for a missing and for a wrong channel access token. */
function checkAuthorization(req: Request, token: string | undefined): ApiResponse | undefined {
  if (token === undefined) return undefined;
  const header = req.header("authorization");
  if (!header) {
    return lineError(
      401,
      "Authorization header required. Must follow the scheme, 'Authorization: Bearer <ACCESS TOKEN>'",
    );
  }
  if (header !== `Bearer ${token}`) {
    return lineError(
      401,
      "Authentication failed due to the following reason: invalid token. Confirm that the access token in the authorization header is valid.",
    );
  }
  return undefined;
}

export function createApiRouter(deps: ApiRouterDeps): Router {
  const routes = deps.routes.map(compile);
  const router = express.Router();

  function respond(
    req: Request,
    res: Response,
    endpoint: string,
    body: unknown,
    response: ApiResponse,
  ): void {
    const path = `/v2/bot${req.path}`;
    const query = queryOf(req);
    // Record before answering, so a client that got its response always finds its call recorded.
    deps.record({
      endpoint,
      method: req.method,
      path,
      ...(Object.keys(query).length > 0 ? { query } : {}),
      body,
      headers: recordedHeaders(req),
      status: response.status,
      at: new Date(deps.now()).toISOString(),
    });
    res.status(response.status);
    res.set(response.headers ?? {});
    if (response.binary) res.type(response.binary.contentType).send(response.binary.bytes);
    else if (response.json !== undefined) res.json(response.json);
    else res.end();
  }

  function handleApi(req: Request, res: Response): void {
    const requestId = deps.ids.requestId();
    res.set("x-line-request-id", requestId);
    const path = `/v2/bot${req.path}`;
    const concrete = `${req.method} ${path}`;
    const match = matchRoute(routes, req.method, path);
    const parsed = parseBody(req, match?.route.body);
    // Uploaded bytes are recorded by size only: the record is JSON.
    const recordedBody = !parsed.ok
      ? undefined
      : Buffer.isBuffer(parsed.body)
        ? { bytes: parsed.body.length }
        : parsed.body;
    if (!match) return respond(req, res, concrete, recordedBody, lineError(404, "Not found"));

    const send = (response: ApiResponse): void => respond(req, res, match.endpoint, recordedBody, response);
    const unauthorized = checkAuthorization(req, deps.channelAccessToken);
    if (unauthorized) return send(unauthorized);
    const fault = deps.faults.take(match.endpoint, concrete, deps.now());
    if (fault && !fault.processed) return send(fault.response);
    if (!parsed.ok) return send(lineError(400, "The request body could not be parsed as JSON"));
    if (!match.route.acceptsRetryKey && req.header("x-line-retry-key") !== undefined) {
      return send(lineError(400, "The X-Line-Retry-Key header is not supported by this API"));
    }
    const apiRequest: ApiRequest = {
      method: req.method,
      path,
      params: match.params,
      query: queryOf(req),
      body: parsed.body,
      header: (name) => req.header(name),
      requestId,
    };
    const response = match.route.handle(apiRequest);
    send(fault ? fault.response : response);
  }

  /** body-parser failures: 413 over the limit, 400 for anything else it could not read. */
  function handleBodyError(err: unknown, req: Request, res: Response, next: NextFunction): void {
    if (res.headersSent) return next(err);
    const type = (err as { type?: unknown }).type;
    const requestId = deps.ids.requestId();
    res.set("x-line-request-id", requestId);
    const path = `/v2/bot${req.path}`;
    const endpoint = matchRoute(routes, req.method, path)?.endpoint ?? `${req.method} ${path}`;
    const response =
      type === "entity.too.large"
        ? lineError(413, "Request Entity Too Large")
        : lineError(400, "The request body could not be read");
    respond(req, res, endpoint, undefined, response);
  }

  router.get("/dev/line/calls", (req, res) => {
    const endpoint = typeof req.query["endpoint"] === "string" ? req.query["endpoint"] : undefined;
    res.json(deps.calls(endpoint ? { endpoint } : undefined));
  });
  router.delete("/dev/line/calls", (_req, res) => {
    deps.clearCalls();
    res.status(204).end();
  });
  router.use(
    "/v2/bot",
    express.raw({ type: () => true, limit: BODY_LIMIT_BYTES }),
    handleApi,
    handleBodyError,
  );
  return router;
}
