import type { FastifyReply, FastifyRequest } from 'fastify';
import type { AccessClaims, TokenIssuer } from '../auth/tokens';
import { sendError } from './errors';

/**
 * Route guards for the HTTP surfaces: `Authorization: Bearer <access token>`, then the role. The
 * verified claims are on the request for the handler (`claimsOf`).
 */
export function routeGuards(tokens: TokenIssuer) {
  const requireRole =
    (roles: readonly AccessClaims['role'][], forbidden = 'This needs a team lead or admin account.') =>
    async (request: FastifyRequest, reply: FastifyReply) => {
      const header = request.headers.authorization;
      const result = await tokens.verify(header?.startsWith('Bearer ') ? header.slice(7) : undefined);
      if (!result.ok)
        return sendError(
          reply,
          401,
          result.code,
          result.code === 'token_expired' ? 'Your session expired; sign in again.' : 'Sign in first.',
        );
      if (!roles.includes(result.claims.role)) return sendError(reply, 403, 'forbidden', forbidden);
      (request as FastifyRequest & { claims: AccessClaims }).claims = result.claims;
    };
  return { requireRole };
}

export const claimsOf = (request: FastifyRequest): AccessClaims =>
  (request as FastifyRequest & { claims: AccessClaims }).claims;
