import type { OfficerHarness, TestChat } from "../../officers/support/officers";

export interface Page {
  status: number;
  headers: Headers;
  body: string;
}

/** Every response the console gave in a test file, for the anonymity scan. */
export const seenResponses: Page[] = [];

/**
 * A browser as far as the console cares: keeps its session cookie, follows no redirects by itself
 * (tests look at them), and posts forms with the page's CSRF token.
 */
export class ConsoleClient {
  private cookie: string | undefined;
  csrf = "";

  constructor(private readonly env: OfficerHarness) {}

  get signedIn(): boolean {
    return Boolean(this.cookie);
  }

  async get(path: string): Promise<Page> {
    return this.request(path, { method: "GET" });
  }

  async post(path: string, form: Record<string, string>, withCsrf = true): Promise<Page> {
    const body = new URLSearchParams({ ...(withCsrf && { csrf: this.csrf }), ...form });
    return this.request(path, {
      method: "POST",
      body: body.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  /** Posts fields that may repeat (checkboxes), in order, with the page's CSRF token. */
  async postPairs(path: string, pairs: Array<[string, string]>): Promise<Page> {
    const body = new URLSearchParams([["csrf", this.csrf], ...pairs]);
    return this.request(path, {
      method: "POST",
      body: body.toString(),
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
  }

  /** Follows one redirect, as a browser would after a form post. */
  async follow(page: Page): Promise<Page> {
    const location = page.headers.get("location");
    if (page.status !== 303 || !location) throw new Error(`not a redirect: ${page.status}\n${page.body}`);
    return this.get(location);
  }

  /** Asks for a link in the officer's LINE chat and signs in with it. */
  async signIn(officer: TestChat): Promise<Page> {
    const path = await linkFor(officer);
    await this.get(path);
    const signedIn = await this.post("/console/sign-in", { token: tokenOf(path) }, false);
    if (signedIn.status !== 303) throw new Error(`sign-in failed: ${signedIn.status}\n${signedIn.body}`);
    return this.follow(signedIn);
  }

  private async request(path: string, init: RequestInit): Promise<Page> {
    const response = await fetch(`${this.env.harness.service.url}${path}`, {
      ...init,
      redirect: "manual",
      headers: { ...(init.headers as Record<string, string>), ...(this.cookie && { cookie: this.cookie }) },
    });
    const setCookie = response.headers.get("set-cookie");
    if (setCookie) {
      const [pair] = setCookie.split(";");
      this.cookie = pair!.endsWith("=") ? undefined : pair;
    }
    const page = { status: response.status, headers: response.headers, body: await response.text() };
    const csrf = /name="csrf" value="([^"]+)"/.exec(page.body)?.[1];
    if (csrf) this.csrf = csrf;
    seenResponses.push(page);
    return page;
  }
}

/** Sends /console in the officer's 1:1 chat; returns the link's path (the test harness's base URL has no port). */
export async function linkFor(officer: TestChat): Promise<string> {
  await officer.says("/console");
  const url = /https?:\/\/\S+\/console\/sign-in\/[A-Za-z0-9_-]+/.exec(officer.lastText())?.[0];
  if (!url) throw new Error(`no sign-in link in: ${officer.lastText()}`);
  return new URL(url).pathname;
}

export function tokenOf(path: string): string {
  return path.split("/").at(-1)!;
}

/** Text of a page without its tags, for "the page says …" checks. */
export function textOf(page: Page): string {
  return page.body
    .replace(/<[^>]+>/g, " ")
    .replace(/&#39;/g, "'")
    .replace(/&quot;/g, '"')
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&")
    .replace(/\s+/g, " ");
}
