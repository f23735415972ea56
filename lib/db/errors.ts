/**
 * Classifies errors that reach the domain from PostgreSQL through Prisma and the pg driver adapter,
 * whose shapes differ (pg's `code`, Prisma's `P20xx` with the SQLSTATE in meta or in a cause).
 */

function* errorChain(error: unknown): Generator<Record<string, unknown>> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === "object"; depth++) {
    const record = current as Record<string, unknown>;
    yield record;
    const meta = record.meta as Record<string, unknown> | undefined;
    const adapterError = meta?.driverAdapterError as Record<string, unknown> | undefined;
    current = adapterError ?? record.cause;
  }
}

// Prisma's own codes (P1001, P2039, …) have the shape of a SQLSTATE; PostgreSQL's P0001–P0004 do not clash.
const PRISMA_CODE = /^P[1-9]\d{3}$/;

/** The SQLSTATE (e.g. "23505") behind an error, if PostgreSQL raised it. */
export function sqlState(error: unknown): string | undefined {
  for (const link of errorChain(error)) {
    for (const field of ["originalCode", "code"] as const) {
      const value = link[field];
      if (typeof value === "string" && /^[0-9A-Z]{5}$/.test(value) && !PRISMA_CODE.test(value)) return value;
    }
  }
  return undefined;
}

function prismaCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && PRISMA_CODE.test(code) ? code : undefined;
}

/** Lost a serialization race or a deadlock: running the transaction again is correct. */
export function isRetryableConflict(error: unknown): boolean {
  const state = sqlState(error);
  return state === "40001" || state === "40P01" || prismaCode(error) === "P2034";
}

const UNAVAILABLE_STATES = new Set(["57P01", "57P02", "57P03", "53300", "08000", "08003", "08006", "08001", "08004"]);
const UNAVAILABLE_PRISMA = new Set(["P1001", "P1002", "P1008", "P1017", "P2024", "P2028"]);

/** The database could not be reached, hung up, or no pool connection was free in time. */
export function isDatabaseUnavailable(error: unknown): boolean {
  const state = sqlState(error);
  if (state && UNAVAILABLE_STATES.has(state)) return true;
  const code = prismaCode(error);
  if (code && UNAVAILABLE_PRISMA.has(code)) return true;
  for (const link of errorChain(error)) {
    const message = typeof link.message === "string" ? link.message : "";
    const kind = typeof link.kind === "string" ? link.kind : "";
    if (
      /ECONNREFUSED|ECONNRESET|Connection terminated|terminating connection|not queryable|timeout exceeded when trying to connect|Unable to start a transaction/i.test(
        message,
      )
    ) {
      return true;
    }
    if (/DatabaseNotReachable|ConnectionClosed|SocketTimeout|TransactionAlreadyClosed/i.test(kind)) return true;
  }
  return false;
}

export function isUniqueViolation(error: unknown): boolean {
  return sqlState(error) === "23505" || prismaCode(error) === "P2002";
}

export function isForeignKeyViolation(error: unknown): boolean {
  return sqlState(error) === "23503" || prismaCode(error) === "P2003";
}

export function isCheckViolation(error: unknown): boolean {
  return sqlState(error) === "23514";
}
