import { describe, expect, it } from "vitest";
import { embeddedMaxConnections, poolPerProcess, TOOL_CONNECTIONS } from "@/lib/db/pool-size";

describe("app processes × pool under PostgreSQL's max_connections", () => {
  it("sizes the embedded server to fit every process's pool and the tools, never below what it allowed before", () => {
    expect(embeddedMaxConnections(2, 10)).toBe(300);
    expect(embeddedMaxConnections(64, 10)).toBe(64 * 10 + TOOL_CONNECTIONS);
  });

  it("keeps the configured pool when it fits an external server, shrinks it when not, refuses too small a server", () => {
    const server = { maxConnections: 100, reservedConnections: 3 };
    expect(poolPerProcess(4, 10, server)).toEqual({ ok: true, pool: 10, shrunk: false });
    // 100 − 3 reserved − 20 for tools = 77 over 16 processes.
    expect(poolPerProcess(16, 10, server)).toEqual({ ok: true, pool: 4, shrunk: true });
    const refused = poolPerProcess(64, 10, server);
    expect(refused.ok).toBe(false);
    expect(!refused.ok && refused.message).toMatch(/--workers/);
  });
});
