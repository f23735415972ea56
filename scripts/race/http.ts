/**
 * Just enough HTTP/1.1 over raw sockets for a synchronized burst: requests are serialised to bytes by
 * hand so that all but their final byte can be sent ahead, then released together ("last-byte sync",
 * the HTTP/1.1 form of the single-packet attack).
 */
import net from "node:net";

export interface RawRequest {
  method: "GET" | "POST";
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string[]>;
  body: string;
}

export function serialise(url: URL, request: RawRequest): Buffer {
  const body = request.body ?? Buffer.alloc(0);
  const headers = {
    Host: url.host,
    "User-Agent": "once-race/1",
    Connection: "close",
    ...request.headers,
    ...(request.method === "POST" ? { "Content-Length": String(body.length) } : {}),
  };
  const head = `${request.method} ${request.path} HTTP/1.1\r\n${Object.entries(headers)
    .map(([name, value]) => `${name}: ${value}`)
    .join("\r\n")}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head, "latin1"), body]);
}

export function parseResponse(raw: Buffer): RawResponse {
  const split = raw.indexOf("\r\n\r\n");
  const head = raw
    .subarray(0, split === -1 ? raw.length : split)
    .toString("latin1")
    .split("\r\n");
  const status = Number(head[0]?.split(" ")[1] ?? 0);
  const headers: Record<string, string[]> = {};
  for (const line of head.slice(1)) {
    const colon = line.indexOf(":");
    const name = line.slice(0, colon).trim().toLowerCase();
    (headers[name] ??= []).push(line.slice(colon + 1).trim());
  }
  let body = split === -1 ? Buffer.alloc(0) : raw.subarray(split + 4);
  if (headers["transfer-encoding"]?.some((v) => v.toLowerCase().includes("chunked"))) body = dechunk(body);
  return { status, headers, body: body.toString("utf8") };
}

function dechunk(data: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < data.length) {
    const lineEnd = data.indexOf("\r\n", offset);
    if (lineEnd === -1) break;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString("latin1"), 16);
    if (!size) break;
    parts.push(data.subarray(lineEnd + 2, lineEnd + 2 + size));
    offset = lineEnd + 2 + size + 2;
  }
  return Buffer.concat(parts);
}

/** One ordinary request (used to sign in and to fetch pages before the burst). */
export async function send(url: URL, request: RawRequest): Promise<RawResponse> {
  const connection = await connect(url);
  connection.socket.write(serialise(url, request));
  return connection.response;
}

export interface Connection {
  socket: net.Socket;
  response: Promise<RawResponse>;
  /** performance.now() when the first response byte arrived. */
  firstByteAt(): number | undefined;
}

export function connect(url: URL): Promise<Connection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host: url.hostname, port: Number(url.port || 80) });
    socket.setNoDelay(true);
    const chunks: Buffer[] = [];
    let firstByte: number | undefined;
    const response = new Promise<RawResponse>((done, fail) => {
      socket.on("data", (chunk) => {
        firstByte ??= performance.now();
        chunks.push(chunk);
      });
      socket.on("end", () => {
        const response = parseResponse(Buffer.concat(chunks));
        // A server that died mid-request closes the connection without a (complete) status line.
        if (response.status >= 100) done(response);
        else fail(new Error("the connection closed without a response"));
      });
      socket.on("error", fail);
    });
    response.catch(() => undefined);
    socket.once("connect", () => resolve({ socket, response, firstByteAt: () => firstByte }));
    socket.once("error", reject);
  });
}

export interface BurstResult {
  responses: PromiseSettledResult<RawResponse>[];
  /** Client-side spread of the released final bytes (first write to last write), in ms. */
  releaseSpreadMs: number;
  /** Spread of the first response bytes, in ms: an upper bound on how spread the server's work was. */
  responseSpreadMs: number;
  /** For each request, ms from the release to its whole answer (undefined: no answer). */
  answeredMs: (number | undefined)[];
}

/**
 * Opens every connection, sends every request except its final byte, waits for the server to have
 * read all of that, then writes all final bytes in one synchronous loop.
 */
export async function burst(
  url: URL,
  requests: Buffer[],
  settleMs = 250,
  onRelease?: () => void,
): Promise<BurstResult> {
  const connections = await Promise.all(requests.map(() => connect(url)));
  connections.forEach((c, i) => c.socket.write(requests[i]!.subarray(0, -1)));
  await new Promise((resolve) => setTimeout(resolve, settleMs));
  const answeredMs: (number | undefined)[] = connections.map(() => undefined);
  const releaseStart = performance.now();
  connections.forEach((c, i) => c.socket.write(requests[i]!.subarray(-1)));
  const releaseSpreadMs = performance.now() - releaseStart;
  onRelease?.();
  const responses = await Promise.allSettled(
    connections.map((c, i) => c.response.then((r) => ((answeredMs[i] = performance.now() - releaseStart), r))),
  );
  const firstBytes = connections.map((c) => c.firstByteAt()).filter((t): t is number => t !== undefined);
  return {
    responses,
    releaseSpreadMs,
    responseSpreadMs: firstBytes.length ? Math.max(...firstBytes) - Math.min(...firstBytes) : 0,
    answeredMs,
  };
}

export function cookiesFrom(response: RawResponse): Record<string, string> {
  const jar: Record<string, string> = {};
  for (const header of response.headers["set-cookie"] ?? []) {
    const [pair] = header.split(";");
    const eq = pair!.indexOf("=");
    jar[pair!.slice(0, eq).trim()] = pair!.slice(eq + 1).trim();
  }
  return jar;
}

export function cookieHeader(jar: Record<string, string>): string {
  return Object.entries(jar)
    .map(([name, value]) => `${name}=${value}`)
    .join("; ");
}
