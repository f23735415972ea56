import { getDb } from "./db/client";
import { sessionSecret } from "./env";
import { startHoldExpiry } from "./holds/expiry";
import { stampPeerAddresses } from "./peer-stamp";

/**
 * What a Node.js server process does once, before it serves: a production server without its session
 * secret would start and then fail every signed-in request, so it stops here with the reason instead;
 * then it starts stamping each request's socket address, which Next.js does not pass on
 * (lib/client-address.ts), and the loop that expires holds nobody settled (lib/holds/expiry.ts). Its
 * timer does not keep the process alive, and a sweep cut short by the process ending rolls back only the
 * hold in progress (each is its own transaction), so Next.js's own shutdown needs nothing more. Node.js only:
 * instrumentation.ts imports it under the Node.js runtime alone.
 */
export function prepareServer(): void {
  try {
    sessionSecret();
  } catch (error) {
    console.error(`[once] ${(error as Error).message}`);
    process.exit(1);
  }
  stampPeerAddresses();
  startHoldExpiry(getDb());
}
