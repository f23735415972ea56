import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Webhook } from "standardwebhooks";

/**
 * A store's webhook receiver on a local port, as the README tells stores to write one: it verifies
 * every signature (standardwebhooks) and applies each event once, by webhook-id. The tests' and the
 * e2e suite's stand-in for a store; nothing in the app imports it. `answer` decides each
 * attempt: "ok", "fail" (500) or "hang" (no answer at all, until the receiver closes).
 */
export type Behaviour = (attempt: { id: string; type: string; attemptOfThisId: number }) => "ok" | "fail" | "hang";

export interface Received {
  id: string;
  type: string;
  data: Record<string, unknown>;
}

export interface Receiver {
  url: string;
  /** Every attempt that reached it, in arrival order. */
  attempts: { id: string; verified: boolean }[];
  /** Events applied: once each, in the order they were applied. */
  applied: Received[];
  /** Set by the test: called on each attempt before it is answered. */
  onAttempt?: (id: string) => void;
  close(): Promise<void>;
}

export async function startReceiver(secret: string, answer: Behaviour = () => "ok"): Promise<Receiver> {
  const webhook = new Webhook(secret);
  const seen = new Set<string>();
  const triesOf = new Map<string, number>();
  const receiver: Receiver = {
    url: "",
    attempts: [],
    applied: [],
    close: async () => {},
  };
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const chunks: Buffer[] = [];
    request.on("data", (chunk: Buffer) => chunks.push(chunk));
    request.on("end", () => {
      const body = Buffer.concat(chunks).toString("utf8");
      const headers = {
        "webhook-id": String(request.headers["webhook-id"] ?? ""),
        "webhook-timestamp": String(request.headers["webhook-timestamp"] ?? ""),
        "webhook-signature": String(request.headers["webhook-signature"] ?? ""),
      };
      let event: { type: string; data: Record<string, unknown> };
      try {
        event = webhook.verify(body, headers) as typeof event;
      } catch {
        receiver.attempts.push({ id: headers["webhook-id"], verified: false });
        response.writeHead(401).end("bad signature");
        return;
      }
      const id = headers["webhook-id"];
      receiver.attempts.push({ id, verified: true });
      receiver.onAttempt?.(id);
      const tries = (triesOf.get(id) ?? 0) + 1;
      triesOf.set(id, tries);
      const what = answer({ id, type: event.type, attemptOfThisId: tries });
      if (what === "hang") return;
      if (what === "fail") {
        response.writeHead(500).end("not now");
        return;
      }
      // Dedupe by webhook-id: a retry of an event already applied is acknowledged and ignored.
      if (!seen.has(id)) {
        seen.add(id);
        receiver.applied.push({ id, type: event.type, data: event.data });
      }
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  receiver.close = () =>
    new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return receiver;
}
