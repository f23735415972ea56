/**
 * Signing in and submitting forms the way a browser does, over the raw HTTP client: next-auth's
 * credentials flow for the session cookie, and server actions through the HTML forms that render them
 * (React's progressive-enhancement fields carry the action's id, so nothing is hard-coded).
 */
import { randomBytes } from "node:crypto";
import { type RawRequest, type RawResponse, cookieHeader, cookiesFrom, send, serialise } from "./http";

export type Jar = Record<string, string>;

export async function signIn(base: URL, email: string, password: string): Promise<Jar | null> {
  const csrf = await send(base, { method: "GET", path: "/api/auth/csrf", headers: {} });
  const jar = cookiesFrom(csrf);
  const { csrfToken } = JSON.parse(csrf.body) as { csrfToken: string };
  const form = new URLSearchParams({ csrfToken, email, password, json: "true" });
  const answer = await send(base, {
    method: "POST",
    path: "/api/auth/callback/credentials",
    headers: { "Content-Type": "application/x-www-form-urlencoded", Cookie: cookieHeader(jar) },
    body: Buffer.from(form.toString()),
  });
  Object.assign(jar, cookiesFrom(answer));
  return Object.keys(jar).some((name) => name.endsWith("next-auth.session-token")) ? jar : null;
}

export interface HtmlForm {
  /** Where the form posts (the page itself for server actions). */
  path: string;
  fields: [string, string][];
}

/**
 * The form on `page` that has a field named `fieldName` (and, with `value`, that value in it: which
 * product's form), with every hidden input's value.
 */
export async function readForm(
  base: URL,
  page: string,
  jar: Jar,
  fieldName: string,
  value?: string,
): Promise<HtmlForm> {
  const response = await send(base, { method: "GET", path: page, headers: { Cookie: cookieHeader(jar) } });
  if (response.status !== 200) throw new Error(`GET ${page} answered ${response.status}`);
  const field = `name="${fieldName}"${value === undefined ? "" : ` value="${value}"`}`;
  const form = [...response.body.matchAll(/<form\b[^>]*>([\s\S]*?)<\/form>/g)].find((m) => m[1]!.includes(field));
  if (!form) throw new Error(`no form with ${field} on ${page}`);
  const fields: [string, string][] = [];
  for (const input of form[1]!.matchAll(/<input\b[^>]*>/g)) {
    const attrs = Object.fromEntries(
      [...input[0].matchAll(/([\w$:-]+)="([^"]*)"/g)].map((a) => [a[1]!, decodeEntities(a[2]!)]),
    );
    if (attrs.type === "hidden" && attrs.name) fields.push([attrs.name, attrs.value ?? ""]);
  }
  if (!fields.some(([name]) => name.startsWith("$ACTION_")))
    throw new Error(`the form on ${page} carries no server action`);
  return { path: page, fields };
}

function decodeEntities(text: string): string {
  return text
    .replace(/&quot;/g, '"')
    .replace(/&#x27;|&#39;/g, "'")
    .replace(/&lt;/g, "<")
    .replace(/&gt;/g, ">")
    .replace(/&amp;/g, "&");
}

/** A form submission as multipart/form-data, as a browser without JavaScript sends it. */
export function formRequest(form: HtmlForm, jar: Jar, values: Record<string, string>): RawRequest {
  const boundary = `----once-race-${randomBytes(8).toString("hex")}`;
  const parts = [...form.fields.filter(([name]) => !(name in values)), ...Object.entries(values)].map(
    ([name, value]) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`,
  );
  return {
    method: "POST",
    path: form.path,
    headers: {
      "Content-Type": `multipart/form-data; boundary=${boundary}`,
      Cookie: cookieHeader(jar),
      Accept: "text/html",
    },
    body: Buffer.from(`${parts.join("")}--${boundary}--\r\n`),
  };
}

/**
 * Calls the one server action a page hands to its client components, as React does from the browser:
 * the action id comes from the page's RSC payload, the FormData argument goes in React's reply
 * encoding (root part "0" = ["$K1"], fields prefixed "_1_").
 */
export async function callFormAction(
  base: URL,
  page: string,
  jar: Jar,
  values: Record<string, string>,
): Promise<RawResponse> {
  const html = await send(base, { method: "GET", path: page, headers: { Cookie: cookieHeader(jar) } });
  const ids = new Set(html.body.match(/\b[0-9a-f]{42}\b/g) ?? []);
  if (ids.size !== 1) throw new Error(`expected one server action on ${page}, found ${ids.size}`);
  const [actionId] = ids;
  // The root part goes last: the server resolves "$K1" from the parts that arrived before it.
  const form: HtmlForm = { path: page, fields: Object.entries(values).map(([name, value]) => [`_1_${name}`, value]) };
  const request = formRequest(form, jar, { 0: '["$K1"]' });
  request.headers["Next-Action"] = actionId!;
  request.headers.Accept = "text/x-component";
  return send(base, request);
}

/** Signs in, creating the account through the sign-up page's server action first when it does not exist. */
export async function ensureSignedIn(base: URL, email: string, password: string): Promise<Jar> {
  const existing = await signIn(base, email, password);
  if (existing) return existing;
  const created = await callFormAction(base, "/sign-up", {}, { name: email.split("@")[0]!, email, password });
  if (created.status !== 200 || !created.body.includes('"ok":true')) {
    throw new Error(`sign-up of ${email} failed: ${created.status} ${created.body.slice(-300)}`);
  }
  const jar = await signIn(base, email, password);
  if (!jar) throw new Error(`could not sign in as ${email} after signing up`);
  return jar;
}

export { serialise, type RawResponse };
