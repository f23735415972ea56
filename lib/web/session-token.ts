import "server-only";
import { hkdfSync } from "node:crypto";
import { jwtDecrypt } from "jose";
import type { JWT, JWTDecodeParams } from "next-auth/jwt";

/**
 * Reads the session cookie exactly as next-auth's own `decode` does (the same HKDF-derived key, the same
 * JWE check and clock tolerance), except that the key is derived once per secret and kept: next-auth
 * derives it again on every request, which a redemption's profile showed as HKDF work per request
 * (docs/performance-notes.md §6). Tokens are still written by next-auth's `encode`.
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

export async function decodeSessionToken({ token, secret, salt = "" }: JWTDecodeParams): Promise<JWT | null> {
  if (!token) return null;
  const { payload } = await jwtDecrypt(token, encryptionKey(secret, salt), { clockTolerance: 15 });
  return payload as JWT;
}
