import { createHash, randomBytes } from 'node:crypto';
import { SignJWT, jwtVerify, errors } from 'jose';
import type { Role } from '../../shared/domain';

export interface AccessClaims {
  agentId: string;
  role: Role;
  teamId: string | null;
}

export type VerifyResult =
  { ok: true; claims: AccessClaims; expiresAt: number } | { ok: false; code: 'unauthorized' | 'token_expired' };

/** Short-lived HS256 access tokens; refresh tokens are random and stored hashed. */
export class TokenIssuer {
  private readonly key: Uint8Array;

  constructor(
    secret: string,
    readonly accessTtlSeconds = 15 * 60,
    readonly refreshTtlSeconds = 30 * 24 * 3600,
  ) {
    this.key = new TextEncoder().encode(secret);
  }

  async issueAccess(claims: AccessClaims, now = Date.now()): Promise<{ token: string; expiresAt: Date }> {
    const iat = Math.floor(now / 1000);
    const exp = iat + this.accessTtlSeconds;
    const token = await new SignJWT({ role: claims.role, team: claims.teamId })
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject(claims.agentId)
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .setIssuer('switchboard')
      .sign(this.key);
    return { token, expiresAt: new Date(exp * 1000) };
  }

  async verify(token: unknown, now = Date.now()): Promise<VerifyResult> {
    if (typeof token !== 'string' || token.length === 0 || token.length > 8192)
      return { ok: false, code: 'unauthorized' };
    try {
      const { payload } = await jwtVerify(token, this.key, {
        issuer: 'switchboard',
        algorithms: ['HS256'],
        currentDate: new Date(now),
      });
      const role = payload.role;
      if (typeof payload.sub !== 'string' || (role !== 'agent' && role !== 'lead' && role !== 'admin')) {
        return { ok: false, code: 'unauthorized' };
      }
      const team = typeof payload.team === 'string' ? payload.team : null;
      return { ok: true, claims: { agentId: payload.sub, role, teamId: team }, expiresAt: (payload.exp ?? 0) * 1000 };
    } catch (err) {
      return { ok: false, code: err instanceof errors.JWTExpired ? 'token_expired' : 'unauthorized' };
    }
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = randomBytes(32).toString('base64url');
    return { token, hash: hashRefreshToken(token) };
  }
}

export function hashRefreshToken(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}
