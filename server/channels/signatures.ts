import { createHmac, timingSafeEqual } from 'node:crypto';

/** HMAC-SHA256 of a raw body, as providers sign their webhooks. */
export function hmacSha256(secret: string, body: Buffer | string, encoding: 'hex' | 'base64'): string {
  return createHmac('sha256', secret).update(body).digest(encoding);
}

/** Compares a header a provider sent with the expected value in constant time. */
export function sameSignature(given: string | undefined, expected: string): boolean {
  if (typeof given !== 'string' || !given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` compared in constant time. */
export function sameBearer(header: string | undefined, token: string): boolean {
  return typeof header === 'string' && header.startsWith('Bearer ') && sameSignature(header.slice(7), token);
}
