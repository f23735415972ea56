import "server-only";
import { isDatabaseUnavailable } from "@/lib/db/errors";

/** Small helpers for JSON route handlers: bounded body reading and problem responses. */

export type BodyRead =
  { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; reason: string; message: string };

/**
 * Reads a JSON body of at most `maxBytes`, counting while streaming, so a client lying about (or not
 * sending) Content-Length cannot make the server buffer megabytes.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<BodyRead> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/(?:[\w.+-]+\+)?json\b/i.test(type)) {
    return { ok: false, status: 415, reason: "unsupported_media_type", message: "Send the body as application/json." };
  }
  const tooLarge = {
    ok: false,
    status: 413,
    reason: "body_too_large",
    message: `The body must be at most ${maxBytes} bytes.`,
  } as const;
  const declared = Number(request.headers.get("content-length") ?? "0");
  if (declared > maxBytes) return tooLarge;

  const chunks: Uint8Array[] = [];
  let size = 0;
  if (request.body) {
    const reader = request.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      size += value.byteLength;
      if (size > maxBytes) {
        await reader.cancel();
        return tooLarge;
      }
      chunks.push(value);
    }
  }
  try {
    return { ok: true, value: JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(Buffer.concat(chunks))) };
  } catch {
    return { ok: false, status: 400, reason: "invalid_json", message: "The body is not valid UTF-8 JSON." };
  }
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

export function problem(
  status: number,
  reason: string,
  message: string,
  headers: Record<string, string> = {},
): Response {
  return jsonResponse(status, { status: "error", reason, message }, headers);
}

/**
 * Wraps a route handler so that a database that is down or saturated (a pool with no free connection
 * in time, a restart, a killed backend) answers 503 with Retry-After, which a client may retry with the
 * same Idempotency-Key, instead of a 500. The engine reports its own "busy"; this covers the reads
 * around it (the session's user, for one).
 */
export function answerBusyWhenDatabaseUnavailable<Context = unknown>(
  handler: (request: Request, context: Context) => Promise<Response>,
) {
  return async (request: Request, context: Context): Promise<Response> => {
    try {
      return await handler(request, context);
    } catch (error) {
      if (!isDatabaseUnavailable(error)) throw error;
      return problem(503, "busy", "The service is busy. Retry in a moment with the same Idempotency-Key.", {
        "Retry-After": "1",
      });
    }
  };
}

/** A CSV download that is never cached and never sniffed as something else. */
export function csvResponse(stream: ReadableStream<Uint8Array>, filename: string): Response {
  return new Response(stream, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${filename.replace(/[^\w.-]/g, "_")}"`,
      "Cache-Control": "no-store",
      "X-Content-Type-Options": "nosniff",
    },
  });
}
