import type { Collision } from '../../shared/protocol';
import type { Queryable } from '../db/db';
import type { Viewer } from '../sync/audience';

/** One socket looking at one conversation. */
export interface Viewing {
  agentId: string;
  name: string;
  conversationId: string;
  typing: boolean;
}

/**
 * Collision presence on this node: which socket views which conversation, and whether its agent
 * types there. In memory only: it is not history, and a restart loses nothing a reconnect does not
 * send again. Each socket views at most one conversation.
 */
export class Collisions {
  private readonly bySocket = new Map<string, Viewing>();
  private readonly byConversation = new Map<string, Set<string>>();

  /**
   * Sets (or, with null, clears) what a socket views. Returns the conversations whose viewers or
   * typing changed, so only those are told; the same view sent again changes nothing.
   */
  set(socketId: string, next: Viewing | null): string[] {
    const before = this.bySocket.get(socketId);
    if (
      before &&
      next &&
      before.conversationId === next.conversationId &&
      before.typing === next.typing &&
      before.name === next.name
    ) {
      return [];
    }
    if (!before && !next) return [];
    if (before) {
      const sockets = this.byConversation.get(before.conversationId)!;
      sockets.delete(socketId);
      if (sockets.size === 0) this.byConversation.delete(before.conversationId);
      this.bySocket.delete(socketId);
    }
    if (next) {
      this.bySocket.set(socketId, next);
      const sockets = this.byConversation.get(next.conversationId) ?? new Set<string>();
      sockets.add(socketId);
      this.byConversation.set(next.conversationId, sockets);
    }
    return [...new Set([before?.conversationId, next?.conversationId].filter((id): id is string => Boolean(id)))];
  }

  viewing(socketId: string): Viewing | undefined {
    return this.bySocket.get(socketId);
  }

  /** The sockets viewing a conversation. */
  socketsOn(conversationId: string): string[] {
    return [...(this.byConversation.get(conversationId) ?? [])];
  }

  /**
   * What one socket is told: every other agent on the conversation, once each (an agent in two
   * windows or on two devices is one person, typing if they type in either). The socket's own
   * agent is left out, so an agent is never warned about themselves.
   */
  collisionFor(conversationId: string, socketId: string): Collision {
    const self = this.bySocket.get(socketId)?.agentId;
    const others = new Map<string, Collision['others'][number]>();
    for (const id of this.byConversation.get(conversationId) ?? []) {
      const v = this.bySocket.get(id)!;
      if (v.agentId === self) continue;
      const seen = others.get(v.agentId);
      others.set(v.agentId, { agentId: v.agentId, name: v.name, typing: v.typing || (seen?.typing ?? false) });
    }
    return {
      conversationId,
      others: [...others.values()].sort((a, b) => (a.agentId < b.agentId ? -1 : a.agentId > b.agentId ? 1 : 0)),
    };
  }

  /** Sockets being tracked (tests: a disconnect leaves nothing behind). */
  get size(): number {
    return this.bySocket.size;
  }
}

/**
 * Whether a viewer may see who else is on a conversation: its assignee, any lead or admin, or an
 * agent who has another conversation of the same customer (the journey panel links to it).
 */
export async function mayView(
  db: Queryable,
  viewer: Viewer,
  conversationId: string,
): Promise<{ ok: true } | { ok: false; code: 'not_found' | 'forbidden'; message: string }> {
  const { rows } = await db.query<{ allowed: boolean }>(
    `select c.assigned_agent_id = $2 or exists (
       select 1 from conversations o where o.customer_id = c.customer_id and o.assigned_agent_id = $2
     ) as allowed
     from conversations c where c.id = $1`,
    [conversationId, viewer.agentId],
  );
  const row = rows[0];
  if (viewer.role !== 'agent') {
    return row ? { ok: true } : { ok: false, code: 'not_found', message: 'This conversation does not exist.' };
  }
  // An agent is told the same whether it exists or not: the answer must not reveal other agents' work.
  return row?.allowed
    ? { ok: true }
    : { ok: false, code: 'forbidden', message: 'You can only open conversations of your own customers.' };
}
