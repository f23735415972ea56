/**
 * Server actions are public HTTP endpoints, and Next.js answers two kinds of bad request to them with a
 * 500 (node_modules/next/dist/server/app-render/action-handler.js): an Origin that is not the app's own
 * (its CSRF check sets 500, and an unparsable Origin throws in `new URL`), and an argument list React's
 * `decodeReply` cannot decode (a decode error is rethrown as a 500). proxy.ts asks this module first and
 * answers 403 and 400 instead; well-formed requests reach Next.js unchanged, which still runs its own checks.
 */

export interface ActionRefusal {
  status: 400 | 403;
  reason: "foreign_origin" | "malformed_action";
  message: string;
}

const FOREIGN_ORIGIN: ActionRefusal = {
  status: 403,
  reason: "foreign_origin",
  message: "Server actions are accepted from this site's own pages only.",
};

const MALFORMED: ActionRefusal = {
  status: 400,
  reason: "malformed_action",
  message: "The server action's arguments are not a form this app sends.",
};

/**
 * Which requests Next.js hands to its action handler, as server-action-request-meta.js decides: a POST
 * with a `Next-Action` header (a call from React), or a multipart POST (maybe a form posted without
 * JavaScript, `$ACTION_ID_…` fields). Route handlers (all under /api/) never reach the action handler.
 * A URL-encoded POST is turned away by Next.js before its origin check, so it is not one here either.
 */
export function actionRequestKind(method: string, pathname: string, headers: Headers): "fetch" | "form" | null {
  if (method !== "POST") return null;
  if (headers.get("next-action") !== null) return "fetch";
  const isMultipart = headers.get("content-type")?.startsWith("multipart/form-data") ?? false;
  return isMultipart && !pathname.startsWith("/api/") ? "form" : null;
}

/**
 * The origin check Next.js runs on every action request, refused here instead of thrown: the Origin's
 * host must equal the first `X-Forwarded-Host`, else `Host`. A request without an Origin passes, as in
 * Next.js: browsers send one with every cross-site POST, so a request without one carries no visitor's
 * cookies unwillingly.
 */
export function refuseForeignOrigin(headers: Headers): ActionRefusal | null {
  const origin = headers.get("origin");
  if (origin === null) return null;
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!host || !URL.canParse(origin) || new URL(origin).host !== host) return FOREIGN_ORIGIN;
  return null;
}

/**
 * Every action of this app takes a FormData (a `<form action>` or `useActionState`), so React encodes
 * its arguments as a multipart form: the form's fields as `_1_<name>`, and a root part "0" holding the
 * argument list as JSON, e.g. `[{"ok":false,…},"$K1"]` (the previous state, then "$K1" for the fields).
 * An argument list with no form (`[]`) comes as a text body holding that JSON alone.
 *
 * Rather than decode the reply a second time, the root is held to what such a list can contain: JSON
 * whose strings starting with "$" are only the self-contained tokens React's encoder writes for plain
 * values ("$$…" an escaped string, "$K<id>" the form's fields, "$undefined", "$D<date>", "$n<digits>",
 * "$NaN", "$Infinity", "$-Infinity", "$-0"). Every other "$" token names another part (a Map, a Set, a
 * promise, a stream, a file, a server function, an outlined object), which this app's actions never
 * receive and whose absence or malformation is what makes React throw. The root's size and nesting are
 * bounded well below the limits at which React's decoder gives up (its array budget, the stack).
 * test/unit/action-request.test.ts checks this rule against React's own encoder and decoder.
 */
export function refuseMalformedReply(root: FormDataEntryValue | null): ActionRefusal | null {
  // Next.js applies the action to the decoded value, which must therefore be an argument list.
  return plainArgumentList(parsed(root)) ? null : MALFORMED;
}

/**
 * A form posted without JavaScript names its action in its fields, which React's `decodeAction` and
 * `decodeFormState` read: `$ACTION_ID_<id>` carries nothing to decode, while `$ACTION_REF_<n>` (a form of
 * `useActionState`) points at the reference `{"id":"…","bound":"$@1"}` in `$ACTION_<n>:0`, whose bound
 * arguments (the previous state) are a JSON list in `$ACTION_<n>:1`, held to the same rule as a root.
 * Next.js itself checks that the id names one of the app's actions. `null` is a body that is not a
 * readable multipart form, on which Next.js's own parser fails.
 */
export function refuseMalformedForm(form: FormData | null): ActionRefusal | null {
  if (form === null) return MALFORMED;
  for (const key of form.keys()) {
    if (!key.startsWith("$ACTION_REF_")) continue;
    const prefix = `$ACTION_${key.slice("$ACTION_REF_".length)}:`;
    const reference = parsed(form.get(`${prefix}0`));
    if (typeof reference !== "object" || reference === null || Array.isArray(reference)) return MALFORMED;
    const { id, bound, ...rest } = reference as Record<string, unknown>;
    if (typeof id !== "string" || id.startsWith("$") || Object.keys(rest).length > 0) return MALFORMED;
    // A reference without "bound" decodes, but decodeFormState then reads its length and throws.
    if (bound === null) continue;
    const part = typeof bound === "string" ? /^\$@([0-9a-f]+)$/.exec(bound)?.[1] : undefined;
    if (part === undefined) return MALFORMED;
    const args = parsed(form.get(`${prefix}${parseInt(part, 16)}`));
    // React binds at most 1,000 arguments.
    if (!plainArgumentList(args) || args.length > 1_000) return MALFORMED;
  }
  return null;
}

function parsed(text: FormDataEntryValue | null): unknown {
  if (typeof text !== "string" || text.length > MAX_ROOT_LENGTH) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** A previous state is a few hundred characters; 64 KiB keeps React's array budget (10^6) far away. */
const MAX_ROOT_LENGTH = 64 * 1024;
const MAX_DEPTH = 32;
const PLAIN_TOKEN = /^\$(?:\$[\s\S]*|K[0-9a-f]*|undefined|D[\s\S]*|n(?=.{1,300}$)-?\d+|NaN|Infinity|-Infinity|-0)$/;

function plainArgumentList(value: unknown): value is unknown[] {
  return Array.isArray(value) && onlyPlainValues(value);
}

/** Walks the parsed root without recursion, so a deeply nested body cannot exhaust the stack here either. */
function onlyPlainValues(root: unknown[]): boolean {
  const pending: { value: unknown; depth: number }[] = [{ value: root, depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, depth } = next;
    if (typeof value === "string") {
      if (value.startsWith("$") && !PLAIN_TOKEN.test(value)) return false;
    } else if (typeof value === "object" && value !== null) {
      if (depth === MAX_DEPTH) return false;
      for (const child of Object.values(value)) pending.push({ value: child, depth: depth + 1 });
    }
  }
  return true;
}
