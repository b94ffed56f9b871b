import type { SignInResponse } from '../../shared/api';
import type { Db } from '../db/db';
import type { AgentRow } from '../store/rows';
import { verifyPassword } from './passwords';
import { hashRefreshToken, type TokenIssuer } from './tokens';

/** A hash to compare against when the email is unknown, so a miss costs as long as a hit. */
const DUMMY_HASH = 'scrypt$16384$8$1$AAAAAAAAAAAAAAAAAAAAAA==$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=';

export class Sessions {
  constructor(
    private readonly db: Db,
    private readonly tokens: TokenIssuer,
  ) {}

  async signIn(email: string, password: string, now = Date.now()): Promise<SignInResponse | null> {
    const { rows } = await this.db.query<AgentRow>('select * from agents where lower(email) = lower($1)', [
      email.trim(),
    ]);
    const agent = rows[0];
    const ok = await verifyPassword(password, agent?.password_hash ?? DUMMY_HASH);
    if (!agent || !ok) return null;
    return this.issue(agent, now);
  }

  /** Refresh tokens rotate: each is good for one use. */
  async refresh(refreshToken: string, now = Date.now()): Promise<SignInResponse | null> {
    const hash = hashRefreshToken(refreshToken);
    const agent = await this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ agent_id: string }>(
        'update refresh_tokens set revoked_at = $2 where token_hash = $1 and revoked_at is null and expires_at > $2 returning agent_id',
        [hash, new Date(now)],
      );
      if (!rows[0]) return undefined;
      const { rows: agents } = await tx.query<AgentRow>('select * from agents where id = $1', [rows[0].agent_id]);
      return agents[0];
    });
    return agent ? this.issue(agent, now) : null;
  }

  private async issue(agent: AgentRow, now: number): Promise<SignInResponse> {
    const access = await this.tokens.issueAccess({ agentId: agent.id, role: agent.role, teamId: agent.team_id }, now);
    const refresh = this.tokens.newRefreshToken();
    await this.db.query('insert into refresh_tokens (token_hash, agent_id, expires_at) values ($1, $2, $3)', [
      refresh.hash,
      agent.id,
      new Date(now + this.tokens.refreshTtlSeconds * 1000),
    ]);
    return {
      token: access.token,
      refreshToken: refresh.token,
      agent: { id: agent.id, name: agent.name, email: agent.email, role: agent.role },
      expiresAt: access.expiresAt.toISOString(),
    };
  }
}
