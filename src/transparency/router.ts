import express, { type Request, type Response, type Router } from "express";
import type { Translator } from "../i18n";
import { escapeHtml } from "./render-page";
import type { Body, Rendered } from "./page-cache";

/**
 * The public routes: /transparency (HTML, Thai or English), /transparency.json and /transparency.csv.
 * No sign-in. Every answer comes from the cached report: nothing is computed per request.
 */
export function transparencyRouter(deps: {
  rendered: () => Rendered | undefined;
  texts: Translator;
}): Router {
  const router = express.Router();

  router.get("/transparency", (req, res) => {
    const locale = pageLocale(req);
    const rendered = deps.rendered();
    res.setHeader("Vary", "Accept-Language");
    res.setHeader("Content-Language", locale);
    if (!rendered) return notReady(res, deps.texts, locale);
    const page = rendered.html[locale];
    res.setHeader(
      "Content-Security-Policy",
      `default-src 'none'; style-src '${page.styleHash}'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`,
    );
    send(req, res, rendered.etag.replace(/"$/, `-${locale}"`), "text/html; charset=utf-8", page.body);
  });

  router.get("/transparency.json", (req, res) => {
    const rendered = deps.rendered();
    if (!rendered) return notReady(res, deps.texts, pageLocale(req));
    res.setHeader("Access-Control-Allow-Origin", "*"); // open data: any site may read it
    send(req, res, rendered.etag, "application/json; charset=utf-8", rendered.json);
  });

  router.get("/transparency.csv", (req, res) => {
    const rendered = deps.rendered();
    if (!rendered) return notReady(res, deps.texts, pageLocale(req));
    res.setHeader("Access-Control-Allow-Origin", "*");
    res.setHeader("Content-Disposition", 'attachment; filename="transparency.csv"');
    send(req, res, rendered.etag, "text/csv; charset=utf-8", rendered.csv);
  });

  return router;
}

function send(req: Request, res: Response, etag: string, type: string, body: Body): void {
  const gzip = req.acceptsEncodings("gzip", "identity") === "gzip";
  const tag = gzip ? etag.replace(/"$/, '-gz"') : etag; // each encoding its own tag
  res.setHeader("X-Content-Type-Options", "nosniff");
  res.setHeader("Cache-Control", "public, max-age=300");
  res.setHeader("Vary", res.getHeader("Vary") ? "Accept-Language, Accept-Encoding" : "Accept-Encoding");
  res.setHeader("ETag", tag);
  if (req.get("if-none-match") === tag) {
    res.status(304).end();
    return;
  }
  res.type(type);
  if (gzip) res.setHeader("Content-Encoding", "gzip");
  res.send(gzip ? body.gzip : body.text);
}

function notReady(res: Response, texts: Translator, locale: "th" | "en"): void {
  res.setHeader("Retry-After", "60");
  res.setHeader("Cache-Control", "no-store");
  res
    .status(503)
    .type("text/html; charset=utf-8")
    .send(
      `<!doctype html><html lang="${locale}"><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${escapeHtml(texts.t(locale, "transparency-title"))}</title><p>${escapeHtml(texts.t(locale, "transparency-not-ready"))}</p></html>`,
    );
}

/** ?lang=en|th, else the browser's first of Thai or English, else Thai. */
function pageLocale(req: Request): "th" | "en" {
  const asked = req.query.lang;
  if (asked === "en" || asked === "th") return asked;
  const accepted = req.acceptsLanguages("th", "en");
  return accepted === "en" ? "en" : "th";
}
