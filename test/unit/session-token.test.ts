import { decode, encode } from "next-auth/jwt";
import { describe, expect, it } from "vitest";
import { decodeSessionToken, encodeSessionToken } from "@/lib/web/session-token";

const secret = "a-session-secret-of-thirty-two-characters-or-more";
const claims = {
  sub: "6f1c2f4e-0d55-4a49-9d43-3c1f1d0c2a10",
  role: "CUSTOMER" as const,
  sid: "0b4f6f0e-7d0a-4c55-8a7e-5f0f3c2d1e9b",
  name: "Ada",
  email: "ada@example.com",
};

describe("the session cookie (its key derived once per secret)", () => {
  it("reads what next-auth's encode wrote, as next-auth's decode reads it, also with a salt and a Buffer secret", async () => {
    for (const params of [{ secret }, { secret, salt: "next-auth.session-token" }, { secret: Buffer.from(secret) }]) {
      const token = await encode({ ...params, token: claims });
      const ours = await decodeSessionToken({ ...params, token });
      expect(ours).toEqual(await decode({ ...params, token }));
      expect(ours).toMatchObject(claims);
      // The second read uses the kept key and reads the same.
      expect(await decodeSessionToken({ ...params, token })).toEqual(ours);
    }
  });

  it("writes what next-auth's decode reads, with the same header and claims as next-auth's encode", async () => {
    for (const params of [{ secret }, { secret, salt: "next-auth.session-token" }, { secret: Buffer.from(secret) }]) {
      const ours = await encodeSessionToken({ ...params, token: claims, maxAge: 3_600 });
      const theirs = await encode({ ...params, token: claims, maxAge: 3_600 });
      const read = await decode({ ...params, token: ours });
      expect(read).toMatchObject(claims);
      expect(read!.exp).toBe((read!.iat as number) + 3_600);
      expect(Object.keys(read!).sort()).toEqual(Object.keys((await decode({ ...params, token: theirs }))!).sort());
      const header = (token: string) => JSON.parse(Buffer.from(token.split(".")[0]!, "base64url").toString());
      expect(header(ours)).toEqual(header(theirs));
    }
  });

  it("refuses a token under another secret or salt, an altered one and an expired one, and reads no token as none", async () => {
    const token = await encode({ secret, token: claims });
    await expect(decodeSessionToken({ secret: `${secret}!`, token })).rejects.toThrow();
    await expect(decodeSessionToken({ secret, salt: "other", token })).rejects.toThrow();
    const [header, key, iv, cipher, tag] = token.split(".");
    const altered = [header, key, iv, `${cipher!.slice(0, -2)}${cipher!.endsWith("AA") ? "AB" : "AA"}`, tag].join(".");
    await expect(decodeSessionToken({ secret, token: altered })).rejects.toThrow();
    // Past the 15 s clock tolerance next-auth allows.
    const expired = await encodeSessionToken({ secret, token: claims, maxAge: -60 });
    await expect(decode({ secret, token: expired })).rejects.toThrow();
    await expect(decodeSessionToken({ secret, token: expired })).rejects.toThrow(/exp/);
    expect(await decodeSessionToken({ secret, token: undefined })).toBeNull();
  });
});
