import "server-only";
import { hkdfSync, randomUUID } from "node:crypto";
import { EncryptJWT, jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams, JWTEncodeParams } from "next-auth/jwt";

/**
 * The session cookie, written and read exactly as next-auth's own `encode` and `decode` do (the same
 * HKDF-derived key, JWE header, claims and clock tolerance), except that the key is derived once per
 * secret and kept. next-auth derives it again on every call, and reading a session calls both (it
 * decodes the cookie and encodes its renewal), which a redemption's profile showed as HKDF work per
 * request (docs/performance-notes.md §6).
 */

const keys = new Map<string, Uint8Array>();

function encryptionKey(secret: JWTDecodeParams["secret"], salt: string): Uint8Array {
  const id = `${salt}\u0000${typeof secret === "string" ? `s:${secret}` : `b:${secret.toString("base64")}`}`;
  let key = keys.get(id);
  if (!key) {
    const info = `NextAuth.js Generated Encryption Key${salt ? ` (${salt})` : ""}`;
    key = new Uint8Array(hkdfSync("sha256", secret, salt, info, 32));
    keys.set(id, key);
  }
  return key;
}

const DEFAULT_MAX_AGE_SECONDS = 30 * 24 * 60 * 60;

export async function encodeSessionToken({
  token = {},
  secret,
  maxAge = DEFAULT_MAX_AGE_SECONDS,
  salt = "",
}: JWTEncodeParams): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new EncryptJWT(token)
    .setProtectedHeader({ alg: "dir", enc: "A256GCM" })
    .setIssuedAt(now)
    .setExpirationTime(now + maxAge)
    .setJti(randomUUID())
    .encrypt(encryptionKey(secret, salt));
}

export async function decodeSessionToken({ token, secret, salt = "" }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const { payload } = await jwtDecrypt(token, encryptionKey(secret, salt), { clockTolerance: 15 });
  return payload as JWT;
}
