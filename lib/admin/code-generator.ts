/**
 * Random coupon code bodies for generated codes. No React, no Node-only APIs: the create form uses it
 * in the browser to suggest a code, bulk generation on the server for batches of up to 100,000.
 *
 * The alphabet leaves out 0/O, 1/I/L so a code read aloud or off paper cannot be mistyped into another
 * valid code. 31 symbols, 16 of them: 16 × log2(31) ≈ 79.3 bits per code. With 100,000 live codes an
 * attacker needs on average 2^79.3 / 100,000 ≈ 7 × 10^18 guesses per hit.
 */

export const CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
export const CODE_BODY_LENGTH = 16;
export const CODE_BODY_BITS = CODE_BODY_LENGTH * Math.log2(CODE_ALPHABET.length);

// The largest multiple of 31 below 256: bytes at or above it are dropped, so every symbol is equally likely.
const UNBIASED_LIMIT = 256 - (256 % CODE_ALPHABET.length);

/** `count` bodies like `7KQM-4TZX-9HCW-PRN3` (dashes every four symbols, for reading), from crypto randomness. */
export function randomCodeBodies(count: number): string[] {
  const bodies: string[] = [];
  let symbols = "";
  // getRandomValues fills at most 65,536 bytes per call.
  const bytes = new Uint8Array(Math.min(65_536, Math.ceil(count * CODE_BODY_LENGTH * 1.1) + 16));
  while (bodies.length < count) {
    globalThis.crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte >= UNBIASED_LIMIT) continue;
      symbols += CODE_ALPHABET[byte % CODE_ALPHABET.length];
      if (symbols.length === CODE_BODY_LENGTH) {
        bodies.push(symbols.match(/.{4}/g)!.join("-"));
        symbols = "";
        if (bodies.length === count) break;
      }
    }
  }
  return bodies;
}

export function randomCode(prefix: string): string {
  return `${prefix}-${randomCodeBodies(1)[0]}`;
}
