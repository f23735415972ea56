import { describe, expect, it } from "vitest";
import { isDatabaseUnavailable, isRetryableConflict, isUniqueViolation, sqlState } from "@/lib/db/errors";

/** The shapes Prisma 7 with @prisma/adapter-pg and plain pg throw, as seen in this project's runs. */
const prismaWrapping = (prismaCode: string, sqlstate: string) => ({
  name: "PrismaClientKnownRequestError",
  code: prismaCode,
  meta: {
    modelName: "User",
    driverAdapterError: { name: "DriverAdapterError", cause: { originalCode: sqlstate, kind: "postgres" } },
  },
});

describe("database error classification", () => {
  it("finds the SQLSTATE under a Prisma code that looks like one", () => {
    expect(sqlState(prismaWrapping("P2039", "57P01"))).toBe("57P01");
    expect(sqlState({ code: "P0001" })).toBe("P0001"); // PL/pgSQL raise_exception is a real SQLSTATE
  });

  it("treats a killed backend, a shutdown and pool timeouts as unavailable (503), nothing else", () => {
    expect(isDatabaseUnavailable(prismaWrapping("P2039", "57P01"))).toBe(true);
    expect(isDatabaseUnavailable({ code: "57P03" })).toBe(true);
    expect(isDatabaseUnavailable(new Error("timeout exceeded when trying to connect"))).toBe(true);
    expect(isDatabaseUnavailable({ code: "P2024" })).toBe(true);
    // pg, on a transaction's connection after its backend was killed:
    expect(isDatabaseUnavailable(new Error("Client has encountered a connection error and is not queryable"))).toBe(
      true,
    );
    expect(isDatabaseUnavailable(prismaWrapping("P2002", "23505"))).toBe(false);
    expect(isDatabaseUnavailable(new Error("something else"))).toBe(false);
  });

  it("retries deadlocks and serialization failures only", () => {
    expect(isRetryableConflict({ code: "40P01" })).toBe(true);
    expect(isRetryableConflict(prismaWrapping("P2010", "40001"))).toBe(true);
    expect(isRetryableConflict({ code: "P2034" })).toBe(true);
    expect(isRetryableConflict(prismaWrapping("P2002", "23505"))).toBe(false);
  });

  it("recognises unique violations however they are wrapped", () => {
    expect(isUniqueViolation({ code: "P2002" })).toBe(true);
    expect(isUniqueViolation({ code: "23505" })).toBe(true);
    expect(isUniqueViolation({ code: "23503" })).toBe(false);
  });
});
