import { expect, test } from "@playwright/test";
import pg from "pg";
import { send } from "../scripts/race/http";
import { formRequest, readForm, signIn } from "../scripts/race/session";
import {
  PASSWORD,
  createCustomer,
  createTestCoupon,
  e2eDatabaseUrl,
  expectInvariantsHold,
  signInByRequest,
} from "./support";

/**
 * A server action's answer is decided (and committed) before Next.js renders the page that carries it: a
 * form posted without JavaScript gets the whole page back, and with JavaScript the layout refresh after
 * the action re-renders the page in the same response. Both read the current user again. Under load the
 * database can stop answering between the two (in CI a saturated pool timed that read out); the customer
 * must still get the answer that was decided, not a 500 or the error page.
 *
 * The gap is made without timing: the test holds the coupon row, so the redemption waits inside its
 * transaction (its sign-in check is done by then); it locks the sessions table, lets the redemption
 * commit, waits until the page's session read is stuck behind that lock, and ends that connection, which
 * is what the page sees of a database that went away.
 */

test("a redemption posted without JavaScript reaches the customer when the database stops answering right after it", async ({
  baseURL,
}) => {
  const base = new URL(baseURL!.replace("localhost", "127.0.0.1"));
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 700, maxRedemptions: 1 });
  const jar = await signIn(base, customer.email, PASSWORD);
  expect(jar).not.toBeNull();
  const form = await readForm(base, "/redeem", jar!, "code");

  const response = await withDatabaseGoneAfterCommit(coupon.id, () =>
    send(base, formRequest(form, jar!, { code: coupon.code })),
  );
  expect(response.status).toBe(200);
  expect(response.body).toMatch(/data-testid="redeem-balance">\$7\.00</);
  await expectInvariantsHold();
});

test("a redemption from the browser shows its answer when the database stops answering right after it", async ({
  page,
}) => {
  const customer = await createCustomer();
  const coupon = await createTestCoupon({ valueCents: 700, maxRedemptions: 1 });
  await signInByRequest(page, customer.email);
  await page.getByLabel("Coupon code").fill(coupon.code);

  await withDatabaseGoneAfterCommit(coupon.id, () => page.getByRole("button", { name: "Redeem" }).click());
  await expect(page.getByTestId("redeem-balance")).toHaveText("$7.00");
  await expect(page.getByText("Something went wrong")).toHaveCount(0);
  await expectInvariantsHold();
});

/** Runs `submit` (a redemption of the coupon) and ends the database connection of the page rendered after it commits. */
async function withDatabaseGoneAfterCommit<T>(couponId: string, submit: () => Promise<T>): Promise<T> {
  const clients = [0, 1, 2].map(() => new pg.Client({ connectionString: e2eDatabaseUrl() }));
  const [couponHolder, sessionsHolder, observer] = clients as [pg.Client, pg.Client, pg.Client];
  try {
    await Promise.all(clients.map((client) => client.connect()));
    await couponHolder.query("BEGIN");
    await couponHolder.query('SELECT 1 FROM "coupons" WHERE "id" = $1 FOR UPDATE', [couponId]);

    const submitted = submit();
    await backendBlockedBy(observer, couponHolder);
    await sessionsHolder.query("BEGIN");
    await sessionsHolder.query('LOCK TABLE "sessions" IN ACCESS EXCLUSIVE MODE');
    await couponHolder.query("COMMIT");

    // The redemption commits; the page's read of the session then waits for the lock.
    const renderingBackend = await backendBlockedBy(observer, sessionsHolder);
    await observer.query("SELECT pg_terminate_backend($1)", [renderingBackend]);
    await sessionsHolder.query("ROLLBACK");
    return await submitted;
  } finally {
    await Promise.all(clients.map((client) => client.end().catch(() => undefined)));
  }
}

/** The backend (of the app) that waits for a lock `holder` holds, as PostgreSQL reports it. */
async function backendBlockedBy(observer: pg.Client, holder: pg.Client): Promise<number> {
  const { rows: held } = await holder.query<{ pid: number }>("SELECT pg_backend_pid() AS pid");
  for (;;) {
    const { rows } = await observer.query<{ pid: number }>(
      `SELECT pid FROM pg_stat_activity
       WHERE datname = current_database() AND $1::int = ANY (pg_blocking_pids(pid))`,
      [held[0]!.pid],
    );
    if (rows[0]) return rows[0].pid;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
