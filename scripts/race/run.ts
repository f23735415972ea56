/**
 * The race tool's engine, for the CLI (scripts/race.ts) and for suites that inject faults mid-burst.
 * Requests are spread round-robin over one or more app instances; every request carries its own
 * idempotency key, so one that failed (5xx, reset connection) can be sent again, byte for byte, to
 * learn its true outcome.
 */
import { randomUUID } from "node:crypto";
import { type RawRequest, type RawResponse, burst, connect, cookieHeader, send, serialise } from "./http";
import { ensureSignedIn, formRequest, type Jar, readForm } from "./session";

export type RaceTarget = "api" | "action" | "orders" | "checkout-action" | "api-holds";

export interface RaceOptions {
  urls: URL[];
  /** The code to redeem (api, action), or the discount code of every order (orders; optional there). */
  code?: string;
  requests: number;
  users: number;
  target: RaceTarget;
  /** What every order buys (orders, checkout-action: put in each user's cart before the burst). */
  order?: { sku: string; quantity: number };
  /** A credit code each user redeems before the burst (orders targets), so orders have credit to spend. */
  fundCode?: string;
  userPrefix?: string;
  password?: string;
  /** The JSON endpoint of api and orders (default: ENDPOINT[target]); the naive controls live elsewhere. */
  path?: string;
  settleMs?: number;
  /** Rounds of re-sending requests whose answer was lost (5xx or a failed connection), same key each time. */
  retryRounds?: number;
  /** api-holds: the store's API key (Authorization: Bearer); its users are store customers, nobody signs in. */
  apiKey?: string;
  /** Called right after the final bytes are released (fault injection). */
  onRelease?: () => void;
}

export interface RaceSummary {
  target: RaceTarget;
  requests: number;
  users: number;
  instances: number;
  successes: number;
  /** Distinct redemptions (api) or orders (orders) among the successes: replays of one key count once. */
  distinctRedemptions: number | null;
  statuses: Record<string, number>;
  outcomes: Record<string, number>;
  /** Statuses of the burst itself, before any retry. */
  burstStatuses: Record<string, number>;
  /** 503 answers that did not say when to retry (a clean 503 carries Retry-After). */
  busyWithoutRetryAfter: number;
  retried: number;
  releaseSpreadMs: number;
  responseSpreadMs: number;
  prepareSeconds: number;
}

interface Prepared {
  bytes: Buffer;
  instance: number;
}

async function pooled<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        results[i] = await work(items[i]!);
      }
    }),
  );
  return results;
}

function statusKey(response: PromiseSettledResult<RawResponse>): string {
  return response.status === "fulfilled" ? String(response.value.status) : "connection_failed";
}

function answered(response: PromiseSettledResult<RawResponse> | undefined): boolean {
  return response?.status === "fulfilled" && response.value.status < 500;
}

export async function runRace(options: RaceOptions): Promise<RaceSummary> {
  const { urls, code, requests, users, target } = options;
  for (const url of urls) {
    if (!["127.0.0.1", "localhost", "[::1]"].includes(url.hostname))
      throw new Error(`${url.origin}: the race tool only targets this machine`);
  }
  const started = performance.now();
  // A store's customers are named apart from the accounts the other targets sign in: the API refuses a
  // store customer whose email already belongs to an account (customer_email_taken).
  const prefix = `${options.userPrefix ?? "race"}${target === "api-holds" ? "-store" : ""}`;
  const emails = Array.from({ length: users }, (_, i) => `${prefix}-${i}@race.once`);
  // Sessions are signed JWTs, valid on every instance: signing in once, anywhere, is enough.
  const jars =
    target === "api-holds"
      ? []
      : await pooled(emails, 8, (email) => ensureSignedIn(urls[0]!, email, options.password ?? "race-password-123"));
  if (options.fundCode) await pooled(jars, 8, (jar) => fund(urls[0]!, jar, options.fundCode!));
  if (target === "checkout-action") {
    if (!options.order) throw new Error("--target checkout-action needs the product to put in the carts");
    await pooled(jars, 8, (jar) => fillCart(urls[0]!, jar, options.order!));
  }
  const prepared = await pooled(
    Array.from({ length: requests }, (_, i) => i),
    16,
    async (i): Promise<Prepared> => {
      const instance = i % urls.length;
      const url = urls[instance]!;
      const jar: Jar = jars[i % users]!;
      if (target === "api-holds") {
        const email = emails[i % users]!;
        const body = { customer: { id: email.split("@")[0], email }, code, subtotalCents: 10_000 };
        return {
          bytes: serialise(url, storePost(options.path ?? "/api/v1/holds", options.apiKey ?? "", body)),
          instance,
        };
      }
      if (target === "api" || target === "orders") {
        const body = target === "api" ? { code } : { lines: [options.order], discountCode: code };
        const request = jsonPost(options.path ?? ENDPOINT[target], jar, body);
        return { bytes: serialise(url, request), instance };
      }
      // Each rendering of the form carries its own idempotency key, as each browser tab would.
      if (target === "checkout-action") {
        const form = await readForm(url, "/cart", jar, "idempotencyKey");
        return { bytes: serialise(url, formRequest(form, jar, {})), instance };
      }
      const form = await readForm(url, "/redeem", jar, "code");
      return { bytes: serialise(url, formRequest(form, jar, { code: code ?? "" })), instance };
    },
  );
  const preparedAt = performance.now();

  const groups = urls.map((url, instance) => ({
    url,
    indexes: prepared.flatMap((p, i) => (p.instance === instance ? [i] : [])),
  }));
  const responses: PromiseSettledResult<RawResponse>[] = [];
  let releaseSpreadMs = 0;
  let responseSpreadMs = 0;
  // One burst per instance, all released in the same tick.
  let released = 0;
  await Promise.all(
    groups.map(async ({ url, indexes }) => {
      const result = await burst(
        url,
        indexes.map((i) => prepared[i]!.bytes),
        options.settleMs ?? 300,
        () => {
          if (++released === groups.length) options.onRelease?.();
        },
      );
      result.responses.forEach((response, j) => (responses[indexes[j]!] = response));
      releaseSpreadMs = Math.max(releaseSpreadMs, result.releaseSpreadMs);
      responseSpreadMs = Math.max(responseSpreadMs, result.responseSpreadMs);
    }),
  );
  const burstStatuses = histogram(responses.map(statusKey));

  let retried = 0;
  for (let round = 0; round < (options.retryRounds ?? 0) && responses.some((r) => !answered(r)); round++) {
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await Promise.all(
      responses.map(async (response, i) => {
        if (answered(response)) return;
        retried++;
        // Same bytes, same key; another instance if the first one is gone.
        const url = urls[(prepared[i]!.instance + round + 1) % urls.length]!;
        const bytes = Buffer.from(
          prepared[i]!.bytes.toString("latin1").replace(/^Host: .*$/m, `Host: ${url.host}`),
          "latin1",
        );
        responses[i] = await Promise.allSettled([resend(url, bytes)]).then(([r]) => r!);
      }),
    );
  }

  const outcomes: string[] = [];
  const createdIds = new Set<string>();
  let busyWithoutRetryAfter = 0;
  for (const response of responses) {
    if (response.status === "rejected") {
      outcomes.push("connection_failed");
      continue;
    }
    const { status, body, headers } = response.value;
    if (status === 503 && !headers["retry-after"]) busyWithoutRetryAfter++;
    if (target === "api" || target === "orders" || target === "api-holds") {
      const parsed = safeJson(body) as {
        reason?: string;
        redemption?: { id?: string };
        order?: { id?: string };
        hold?: { id?: string };
      };
      const id = parsed.redemption?.id ?? parsed.order?.id ?? parsed.hold?.id;
      if (status === 201 && id) createdIds.add(id);
      outcomes.push(status === 201 ? SUCCESS[target] : (parsed.reason ?? `http_${status}`));
    } else if (target === "action") {
      outcomes.push(
        body.includes('data-testid="redeem-balance"')
          ? "redeemed"
          : (/data-reason="(\w+)"/.exec(body)?.[1] ?? `http_${status}`),
      );
    } else {
      // The cart page answers in its order result: a refusal names its reason (cart_changed or empty_cart
      // when another of the user's requests ordered the cart), a placed order none.
      const result = body.split('data-testid="order-result"')[1];
      outcomes.push(
        result !== undefined
          ? (/data-reason="(\w+)"/.exec(result)?.[1] ?? "placed")
          : status === 200 && body.includes("Your cart is empty")
            ? "empty_cart"
            : `http_${status}`,
      );
    }
  }
  const outcomeCounts = histogram(outcomes);
  return {
    target,
    requests,
    users,
    instances: urls.length,
    successes: outcomeCounts[SUCCESS[target]] ?? 0,
    distinctRedemptions: target === "api" || target === "orders" || target === "api-holds" ? createdIds.size : null,
    statuses: histogram(responses.map(statusKey)),
    outcomes: outcomeCounts,
    burstStatuses,
    busyWithoutRetryAfter,
    retried,
    releaseSpreadMs: Number(releaseSpreadMs.toFixed(3)),
    responseSpreadMs: Number(responseSpreadMs.toFixed(1)),
    prepareSeconds: Number(((preparedAt - started) / 1000).toFixed(1)),
  };
}

/** Problems that make the run a failure: 5xx or lost answers, and more successes than the limit. */
export function problemsOf(summary: RaceSummary, limit?: number, expected?: number): string[] {
  const serverErrors = Object.entries(summary.statuses)
    .filter(([s]) => Number(s) >= 500)
    .reduce((n, [, c]) => n + c, 0);
  const lost = summary.statuses.connection_failed ?? 0;
  const successes = summary.distinctRedemptions ?? summary.successes;
  return [
    ...(serverErrors > 0 ? [`${serverErrors} responses were 5xx`] : []),
    ...(lost > 0 ? [`${lost} connections failed`] : []),
    ...(limit !== undefined && successes > limit ? [`OVERSOLD: ${successes} successes for a limit of ${limit}`] : []),
    ...(expected !== undefined && successes !== expected
      ? [`${successes} successes, expected exactly ${expected}`]
      : []),
  ];
}

const SUCCESS: Record<RaceTarget, string> = {
  api: "redeemed",
  action: "redeemed",
  orders: "placed",
  "checkout-action": "placed",
  "api-holds": "held",
};

/** Where each JSON target posts unless --path aims it elsewhere (the naive control routes). */
const ENDPOINT: Record<"api" | "orders", string> = { api: "/api/redemptions", orders: "/api/orders" };

function jsonPost(path: string, jar: Jar, body: unknown): RawRequest {
  return {
    method: "POST",
    path,
    headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Cookie: cookieHeader(jar) },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** A store's request: its API key instead of a session, a fresh Idempotency-Key. */
function storePost(path: string, apiKey: string, body: unknown): RawRequest {
  return {
    method: "POST",
    path,
    headers: { "Content-Type": "application/json", "Idempotency-Key": randomUUID(), Authorization: `Bearer ${apiKey}` },
    body: Buffer.from(JSON.stringify(body)),
  };
}

/** Gives a user credit to spend; a user who redeemed the code on an earlier run keeps that credit. */
async function fund(url: URL, jar: Jar, code: string): Promise<void> {
  const response = await send(url, jsonPost("/api/redemptions", jar, { code }));
  const reason = (safeJson(response.body) as { reason?: string }).reason;
  if (response.status !== 201 && reason !== "per_user_limit")
    throw new Error(`funding a race user with ${code} failed: ${response.status} ${response.body.slice(0, 200)}`);
}

/**
 * Puts the product in a user's cart through the shop's add-to-cart form and sets its quantity through
 * the cart's quantity form (so a user of an earlier run does not order more), as a browser without
 * JavaScript would. The shop's card of the product renders its add form before its buy form.
 */
async function fillCart(url: URL, jar: Jar, order: { sku: string; quantity: number }): Promise<void> {
  const shop = await send(url, { method: "GET", path: "/shop", headers: { Cookie: cookieHeader(jar) } });
  const productId = new RegExp(`data-sku="${order.sku}"[\\s\\S]*?name="productId" value="([^"]+)"`).exec(
    shop.body,
  )?.[1];
  if (!productId) throw new Error(`the shop does not offer ${order.sku}`);
  for (const [page, values] of [
    ["/shop", {}],
    ["/cart", { quantity: String(order.quantity) }],
  ] as const) {
    const form = await readForm(url, page, jar, "productId", productId);
    const answer = await send(url, formRequest(form, jar, values));
    if (answer.status !== 200) throw new Error(`filling the cart (${page}) answered ${answer.status}`);
  }
}

async function resend(url: URL, bytes: Buffer): Promise<RawResponse> {
  const connection = await connect(url);
  connection.socket.write(bytes);
  return connection.response;
}

function histogram(keys: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const key of keys) counts[key] = (counts[key] ?? 0) + 1;
  return counts;
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text || "{}");
  } catch {
    return {};
  }
}
