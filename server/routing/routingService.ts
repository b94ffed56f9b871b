import { channelClass, type Channel, type ChannelClass, type Presence } from '../../shared/domain';
import { oneAtATime } from '../../shared/oneAtATime';
import type { Db, Queryable } from '../db/db';
import { publishAgent } from '../store/directory';
import { loadConversation, publishConversation, publishWorkingSet } from '../store/publish';
import { offerData, type AgentRow, type ConversationRow, type OfferRow } from '../store/rows';
import type { IngestClaim } from '../ingest/ingest';
import type { Audience } from '../sync/audience';
import { withChanges, type ChangeWriter, type PendingChange } from '../sync/changeLog';
import type { RoutingHooks } from '../sync/opContext';
import { canTake, Router, type AgentState, type AssignDecision, type QueuedItem, type RoutingDecision } from './router';

export interface RoutingServiceOptions {
  offerMs: number;
  disconnectGraceMs: number;
  publish: (changes: PendingChange[]) => void;
  log: {
    info(obj: object, msg?: string): void;
    warn(obj: object, msg?: string): void;
    error(obj: object, msg?: string): void;
  };
  now?: () => number;
}

const emptyLoad = (): Record<ChannelClass, number> => ({ voice: 0, chat: 0, social: 0, email: 0 });

/** Open work that counts against an agent's capacity; a call's capacity is freed at wrap-up. */
const LOAD_SQL = `(status in ('offered', 'assigned') or (status = 'wrap_up' and channel <> 'voice'))`;

export function queuedItemOf(row: ConversationRow): QueuedItem {
  return {
    conversationId: row.id,
    channel: row.channel,
    requiredSkills: row.skills,
    priority: row.priority,
    slaDueAt: (row.first_response_due ?? row.created_at).getTime(),
    enqueuedAt: (row.queued_at ?? row.created_at).getTime(),
    ...(row.sticky_agent_id && row.sticky_until
      ? { stickyAgentId: row.sticky_agent_id, stickyUntil: row.sticky_until.getTime() }
      : {}),
  };
}

/**
 * Binds the pure Router to the database: every decision is persisted in a transaction that
 * re-checks the agent's presence and capacity and the conversation's status, so a conversation is
 * never assigned twice (I8) and an agent the database knows as away, offline or full gets nothing,
 * whatever the in-memory state believes. Routing steps run one at a time; new conversations are
 * routed inside their own ingestion transaction (claimOnIngest).
 */
export class RoutingService implements RoutingHooks {
  readonly router = new Router();
  private readonly turns = oneAtATime();
  private timer: NodeJS.Timeout | undefined;
  private readonly connected = new Map<string, number>();
  private readonly now: () => number;

  constructor(
    private readonly db: Db,
    private readonly options: RoutingServiceOptions,
  ) {
    this.now = options.now ?? Date.now;
  }

  /** Runs routing steps one at a time, in order; a failed step is logged and the next one runs. */
  serial<T>(step: () => Promise<T>): Promise<T> {
    const run = this.turns(step);
    void run.catch((err: unknown) => this.options.log.error({ err }, 'routing step failed'));
    return run;
  }

  /** Settles once every routing step queued so far has run (tests, shutdown). */
  idle(): Promise<void> {
    return this.turns.idle();
  }

  async boot(): Promise<void> {
    await this.serial(async () => {
      const { rows: agents } = await this.db.query<AgentRow>('select * from agents');
      const { rows: loads } = await this.db.query<{ agent: string; channel: Channel; n: number }>(
        `select assigned_agent_id as agent, channel, count(*)::int as n from conversations
         where assigned_agent_id is not null and ${LOAD_SQL} group by 1, 2`,
      );
      for (const agent of agents) {
        const load = emptyLoad();
        for (const l of loads) if (l.agent === agent.id) load[channelClass(l.channel)] += l.n;
        // Nobody is connected right after a start: agents come back through their sockets.
        this.router.upsertAgent(this.agentState(agent, load, 'offline'));
      }
      const { rows: queued } = await this.db.query<ConversationRow>(
        "select * from conversations where status in ('queued', 'reopened')",
      );
      const now = this.now();
      for (const row of queued) this.router.enqueue(queuedItemOf(row), now);
      await this.applyAll(this.router.drain(now));
    });
    this.timer = setInterval(() => void this.tick(), 1000);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  private agentState(row: AgentRow, load: Record<ChannelClass, number>, presence: Presence): AgentState {
    return {
      id: row.id,
      skills: row.skills,
      capacity: row.capacity,
      load,
      presence,
      idleSince: row.idle_since.getTime(),
    };
  }

  /** Adds (or refreshes) an agent created after boot, with their load from the database. */
  async refreshAgent(agentId: string): Promise<void> {
    await this.serial(async () => {
      const { rows } = await this.db.query<AgentRow>('select * from agents where id = $1', [agentId]);
      const row = rows[0];
      if (!row) return;
      const load = await this.loadOf(this.db, agentId);
      const presence = this.connected.has(agentId) ? row.presence : 'offline';
      await this.applyAll(this.router.upsertAgent(this.agentState(row, load, presence)));
      if (presence === 'available') await this.fill(agentId);
    });
  }

  // --- RoutingHooks: called after an op's transaction committed ---

  presenceChanged(agentId: string, presence: Presence): void {
    void this.serial(async () => {
      if (!this.connected.has(agentId) && presence !== 'offline') return;
      await this.applyAll(this.router.setPresence(agentId, presence, this.now()));
      if (presence === 'available') await this.fill(agentId);
    });
  }

  capacityFreed(agentId: string, channel: Channel): void {
    void this.serial(async () => {
      this.router.release(agentId, channelClass(channel), this.now());
      await this.fill(agentId);
    });
  }

  enqueue(conversationId: string, excludeAgentId?: string): void {
    void this.serial(() => this.routeConversation(conversationId, excludeAgentId));
  }

  assigned(agentId: string, channel: Channel): void {
    void this.serial(async () => {
      const agent = this.router.getAgent(agentId);
      if (!agent) return;
      const load = { ...agent.load, [channelClass(channel)]: agent.load[channelClass(channel)] + 1 };
      await this.applyAll(this.router.upsertAgent({ ...agent, load }));
    });
  }

  /** A conversation ingestion just queued or reopened: its row is fresh, so no read is needed. */
  routeNew(row: ConversationRow): void {
    void this.serial(() => this.routeConversation(row.id, undefined, row));
  }

  /** Routes a queued conversation (call inside `serial` only, via enqueue or routeNew). */
  private async routeConversation(
    conversationId: string,
    excludeAgentId?: string,
    fresh?: ConversationRow,
  ): Promise<void> {
    const row = fresh ?? (await loadConversation(this.db, conversationId));
    if (!row || (row.status !== 'queued' && row.status !== 'reopened')) return;
    const now = this.now();
    const item = queuedItemOf(row);
    const decision: RoutingDecision = excludeAgentId
      ? this.router.requeue(item, now, excludeAgentId)
      : this.router.route(item, now);
    if (decision.kind === 'assign') await this.apply(decision);
  }

  // --- Agents' connections: grace period, offers re-offered at once ---

  async agentConnected(agentId: string): Promise<void> {
    this.connected.set(agentId, (this.connected.get(agentId) ?? 0) + 1);
    if (this.connected.get(agentId)! > 1) return;
    await this.serial(async () => {
      await this.db.query('update conversations set disconnect_requeue_at = null where assigned_agent_id = $1', [
        agentId,
      ]);
      const { rows } = await this.db.query<AgentRow>('select * from agents where id = $1', [agentId]);
      if (!rows[0]) return;
      await this.applyAll(this.router.setPresence(agentId, rows[0].presence, this.now()));
      if (rows[0].presence === 'available') await this.fill(agentId);
    });
  }

  async agentDisconnected(agentId: string): Promise<void> {
    const left = (this.connected.get(agentId) ?? 1) - 1;
    if (left > 0) {
      this.connected.set(agentId, left);
      return;
    }
    this.connected.delete(agentId);
    await this.serial(async () => {
      const now = this.now();
      await this.applyAll(this.router.setPresence(agentId, 'offline', now));
      // Keep assigned work for the grace period; pending offers go to someone else at once. The
      // agent's row lock waits for a claim at ingestion still in flight for them, so its
      // conversation (or offer) is seen here once committed. No key update: it must not block the
      // key-share lock an op's foreign key takes on this row (a note authored by the agent) while
      // that op holds the conversation row this step updates next — a deadlock on PostgreSQL.
      const rows = await this.db.transaction(async (tx) => {
        await tx.query('select id from agents where id = $1 for no key update', [agentId]);
        await tx.query(
          `update conversations set disconnect_requeue_at = $2 where assigned_agent_id = $1 and status in ('assigned', 'wrap_up')`,
          [agentId, new Date(now + this.options.disconnectGraceMs)],
        );
        return (await tx.query<OfferRow>("select * from offers where agent_id = $1 and status = 'pending'", [agentId]))
          .rows;
      });
      for (const offer of rows) await this.expireOffer(offer, 'withdrawn');
    });
  }

  // --- Applying decisions ---

  private async fill(agentId: string): Promise<void> {
    for (
      let decision = this.router.nextFor(agentId, this.now());
      decision;
      decision = this.router.nextFor(agentId, this.now())
    ) {
      await this.apply(decision);
    }
  }

  private async applyAll(decisions: readonly AssignDecision[]): Promise<void> {
    for (const d of decisions) await this.apply(d);
  }

  private async loadOf(q: Queryable, agentId: string): Promise<Record<ChannelClass, number>> {
    const { rows } = await q.query<{ channel: Channel; n: number }>(
      `select channel, count(*)::int as n from conversations where assigned_agent_id = $1 and ${LOAD_SQL} group by 1`,
      [agentId],
    );
    const load = emptyLoad();
    for (const r of rows) load[channelClass(r.channel)] += r.n;
    return load;
  }

  /**
   * The agent's row, share-locked, if they may take one more conversation of this class: available
   * in the database, connected here, with capacity by their persisted load. The shared lock orders
   * this claim against presence ops and the disconnect step, which update or lock the same row,
   * while claims for one agent (the longest idle gets several in a row) run side by side on
   * PostgreSQL: the router reserved capacity for each before any of them got here.
   */
  private async lockAvailableAgent(tx: Queryable, agentId: string, cls: ChannelClass): Promise<AgentRow | null> {
    const { rows: agents } = await tx.query<AgentRow>('select * from agents where id = $1 for share', [agentId]);
    const agent = agents[0];
    if (!agent || agent.presence !== 'available' || !this.connected.has(agent.id)) return null;
    const load = await this.loadOf(tx, agent.id);
    return canTake(this.agentState(agent, load, agent.presence), cls) ? agent : null;
  }

  /** Calls are offered and must be accepted; chats, posts and emails are auto-accepted. */
  private async offerIfVoice(
    tx: Queryable,
    writer: ChangeWriter,
    row: ConversationRow,
    agentId: string,
    audience: Audience,
  ): Promise<void> {
    if (channelClass(row.channel) !== 'voice') return;
    const { rows: offers } = await tx.query<OfferRow>(
      "insert into offers (id, conversation_id, agent_id, status, expires_at) values ($1, $2, $3, 'pending', $4) returning *",
      [crypto.randomUUID(), row.id, agentId, new Date(this.now() + this.options.offerMs)],
    );
    writer.append('offer', offers[0]!.id, offerData(offers[0]!), audience);
  }

  /**
   * Routes a conversation inside the transaction that creates or reopens it, so the usual case (a
   * qualified agent is free) needs no second transaction and no turn behind other routing steps.
   * The agent is checked under their row lock as `apply` does. When nobody can take it now, the
   * router is left as it was: the caller routes the committed row with `routeNew`, because a
   * queued item whose row is not committed yet could be handed out (and dropped) by a routing
   * step on another connection.
   */
  async claimOnIngest(tx: Queryable, item: QueuedItem): Promise<IngestClaim | null> {
    const now = this.now();
    let decision = this.router.route(item, now);
    for (let attempt = 0; decision.kind === 'assign' && attempt < 3; attempt++) {
      const { agentId, channelClass: cls } = decision;
      const agent = await this.lockAvailableAgent(tx, agentId, cls);
      if (agent) {
        const audience: Audience = { agentId: agent.id, teamId: agent.team_id };
        return {
          agent,
          audience,
          status: cls === 'voice' ? 'offered' : 'assigned',
          persist: (tx2, writer, row) => this.offerIfVoice(tx2, writer, row, agent.id, audience),
          undo: () => this.router.release(agentId, cls, this.now()),
        };
      }
      this.router.release(agentId, cls, now);
      decision = this.router.requeue(item, now, agentId);
    }
    if (decision.kind === 'assign') this.router.release(decision.agentId, decision.channelClass, now);
    this.router.withdraw(item.conversationId);
    return null;
  }

  /** Persists one decision; when the database disagrees, the in-memory load is given back. */
  private async apply(decision: AssignDecision, attempt = 0): Promise<void> {
    const now = this.now();
    let changes: PendingChange[] = [];
    let persisted = false;
    try {
      ({ value: persisted, changes } = await withChanges(this.db, async (tx, writer) => {
        const agent = await this.lockAvailableAgent(tx, decision.agentId, decision.channelClass);
        if (!agent) return false;
        // One conditional update both checks (still queued: first commit wins) and claims.
        const { rows: updated } = await tx.query<ConversationRow>(
          `update conversations set status = $2, assigned_agent_id = $3, sticky_until = null, version = version + 1, updated_at = now()
           where id = $1 and status in ('queued', 'reopened') returning *`,
          [decision.conversationId, decision.channelClass === 'voice' ? 'offered' : 'assigned', agent.id],
        );
        const row = updated[0];
        if (!row) return false;
        const audience = await publishConversation(tx, writer, row, null, true);
        await publishWorkingSet(tx, writer, row, audience);
        await this.offerIfVoice(tx, writer, row, agent.id, audience);
        return true;
      }));
    } catch (err) {
      this.options.log.error({ err, decision }, 'could not persist a routing decision');
    }
    if (!persisted) {
      this.router.release(decision.agentId, decision.channelClass, now);
      // Still queued in the database: give it back to the router for someone else.
      const row = await loadConversation(this.db, decision.conversationId);
      if (row && (row.status === 'queued' || row.status === 'reopened')) {
        const item = queuedItemOf(row);
        const next = this.router.requeue(item, now, decision.agentId);
        // Bounded: each retry goes to another agent; after a few the conversation waits in the queue.
        if (next.kind === 'assign' && attempt < 3) await this.apply(next, attempt + 1);
        else if (next.kind === 'assign') {
          this.router.release(next.agentId, next.channelClass, now);
          this.router.enqueue(item, now);
        }
      }
      return;
    }
    this.options.publish(changes);
  }

  /** An offer that timed out or was withdrawn: back to the queue, to someone else first. */
  private async expireOffer(offer: OfferRow, status: 'expired' | 'withdrawn'): Promise<void> {
    const { value: requeue, changes } = await withChanges(this.db, async (tx, writer) => {
      const { rows } = await tx.query<OfferRow>(
        `update offers set status = $2 where id = $1 and status = 'pending' returning *`,
        [offer.id, status],
      );
      if (!rows[0]) return undefined;
      const { rows: convs } = await tx.query<ConversationRow>(
        `update conversations set status = 'queued', assigned_agent_id = null, version = version + 1, updated_at = now()
         where id = $1 and status = 'offered' and assigned_agent_id = $2 returning *`,
        [offer.conversation_id, offer.agent_id],
      );
      writer.append('offer', offer.id, offerData(rows[0]), { agentId: offer.agent_id, leads: true });
      if (convs[0]) {
        await publishConversation(tx, writer, convs[0], offer.agent_id);
      }
      if (status === 'expired') {
        // An agent who lets a call ring out is not offered the next one: they go away until they return.
        const { rows: agents } = await tx.query<AgentRow>(
          "update agents set presence = 'away', presence_changed_at = $2 where id = $1 and presence = 'available' returning *",
          [offer.agent_id, new Date(this.now())],
        );
        if (agents[0]) {
          publishAgent(writer, agents[0]);
        }
      }
      return convs[0];
    });
    this.options.publish(changes);
    const now = this.now();
    this.router.release(offer.agent_id, 'voice', now);
    if (status === 'expired') this.router.setPresence(offer.agent_id, 'away', now);
    if (requeue) {
      const decision = this.router.requeue(queuedItemOf(requeue), now, offer.agent_id);
      if (decision.kind === 'assign') await this.apply(decision);
    }
  }

  /** Once a second: expired offers, ended grace periods, ended sticky waits, SLA breaches. */
  async tick(): Promise<void> {
    await this.serial(async () => {
      const now = new Date(this.now());
      const { rows: offers } = await this.db.query<OfferRow>(
        "select * from offers where status = 'pending' and expires_at <= $1",
        [now],
      );
      for (const offer of offers) await this.expireOffer(offer, 'expired');

      const { rows: abandoned } = await this.db.query<ConversationRow>(
        "select * from conversations where disconnect_requeue_at <= $1 and status in ('assigned', 'wrap_up')",
        [now],
      );
      for (const row of abandoned) await this.requeueAfterGrace(row);

      const wake = this.router.wakeAt();
      if (wake !== undefined && wake <= now.getTime()) await this.applyAll(this.router.expireSticky(now.getTime()));

      await this.markBreaches(now);
    });
  }

  private async requeueAfterGrace(row: ConversationRow): Promise<void> {
    const { value: updated, changes } = await withChanges(this.db, async (tx, writer) => {
      const { rows } = await tx.query<ConversationRow>(
        `update conversations set status = 'queued', assigned_agent_id = null, disconnect_requeue_at = null, queued_at = now(),
           version = version + 1, updated_at = now()
         where id = $1 and disconnect_requeue_at is not null and status in ('assigned', 'wrap_up') returning *`,
        [row.id],
      );
      if (!rows[0]) return undefined;
      await publishConversation(tx, writer, rows[0], row.assigned_agent_id);
      return rows[0];
    });
    this.options.publish(changes);
    if (!updated) return;
    const now = this.now();
    if (row.assigned_agent_id) this.router.release(row.assigned_agent_id, channelClass(row.channel), now);
    const decision = this.router.requeue(queuedItemOf(updated), now, row.assigned_agent_id ?? undefined);
    if (decision.kind === 'assign') await this.apply(decision);
  }

  /** SLA breach events: recorded once per kind on the conversation, with an alert for leads. */
  private async markBreaches(now: Date): Promise<void> {
    const checks = [
      ['first_response', 'first_response_at is null and first_response_due < $1'],
      ['next_response', 'next_response_due < $1'],
      ['resolution', 'resolution_due < $1'],
    ] as const;
    for (const [kind, condition] of checks) {
      const { changes } = await withChanges(this.db, async (tx, writer) => {
        const { rows } = await tx.query<ConversationRow>(
          `update conversations set sla_breaches = array_append(sla_breaches, '${kind}'), version = version + 1, updated_at = now()
           where status <> 'resolved' and ${condition} and not ('${kind}' = any(sla_breaches)) returning *`,
          [now],
        );
        for (const row of rows) {
          await publishConversation(tx, writer, row);
          const id = crypto.randomUUID();
          const message = `SLA ${kind.replace('_', ' ')} breached on a ${row.channel} conversation`;
          await tx.query("insert into alerts (id, kind, conversation_id, message) values ($1, 'sla_breach', $2, $3)", [
            id,
            row.id,
            message,
          ]);
          writer.append(
            'alert',
            id,
            { id, kind: 'sla_breach', conversationId: row.id, message, createdAt: now.toISOString() },
            { leads: true, agentId: row.assigned_agent_id },
          );
        }
      });
      this.options.publish(changes);
    }
  }
}
