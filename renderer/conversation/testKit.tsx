import { render } from '@testing-library/react';
import { vi } from 'vitest';
import { OpSchema, type Collision, type OpType } from '../../shared/protocol';
import type { OpPayload } from '../sync/engine';
import { createAppStore, StoreContext } from '../store/store';
import { SyncDb, type MirrorRow } from '../sync/db';
import { Mirror } from '../sync/mirror';
import type { SyncConnection } from '../sync/syncConnection';
import { SyncContext } from '../sync/ui/syncContext';
import { ConversationView, type ConversationViewProps } from './ConversationView';

/** Test support for the conversation view: a real SyncDb on fake-indexeddb and a recording connection. */

export const ME = 'agent-dana';
const CLIENT = '0190a5e0-0000-4000-8000-00000000c11e';

export interface Enqueued {
  type: OpType;
  payload: Record<string, unknown>;
  baseVersion?: number | undefined;
}

/**
 * Records every command and applies its optimistic effect with the real mirror code, as the
 * worker would, so the view updates as it does in the app. `failNext` makes the next one fail.
 */
export class FakeConnection {
  readonly enqueued: Enqueued[] = [];
  readonly view = vi.fn((_conversationId: string | null, _typing: boolean) => Promise.resolve());
  failNext: Error | null = null;
  /** While set, commands wait for it: what the view shows before the outbox has the op. */
  gate: Promise<void> | null = null;
  private seq = 0;
  private readonly listeners = new Set<(c: Collision) => void>();

  constructor(
    private readonly db: SyncDb,
    private readonly agentId = ME,
  ) {}

  async enqueue<T extends OpType>(type: T, payload: OpPayload<T>, baseVersion?: number) {
    if (this.gate) await this.gate;
    if (this.failNext) {
      const err = this.failNext;
      this.failNext = null;
      throw err;
    }
    this.enqueued.push({ type, payload, baseVersion });
    const seq = ++this.seq;
    const op = OpSchema.parse({
      opId: crypto.randomUUID(),
      clientId: CLIENT,
      seq,
      type,
      payload,
      createdAt: new Date().toISOString(),
      ...(baseVersion === undefined ? {} : { baseVersion }),
    });
    const mirror = new Mirror(this.db, { agentId: this.agentId });
    await this.db.transaction('rw', mirror.tables, async () => {
      const keyIds = await mirror.applyOp(op);
      await this.db.outbox.add({ seq, opId: op.opId, op, keyIds, state: 'pending', attempts: 0, enqueuedAt: 1 });
    });
    return { opId: op.opId, seq };
  }

  onCollision(listener: (c: Collision) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  collide(c: Collision): void {
    this.listeners.forEach((l) => l(c));
  }

  ops(type?: OpType): Enqueued[] {
    return type ? this.enqueued.filter((e) => e.type === type) : this.enqueued;
  }
}

export function openDb(): SyncDb {
  return new SyncDb(`conversation-${crypto.randomUUID()}`);
}

const iso = (s: string) => new Date(s).toISOString();

export const TEMPLATES: MirrorRow[] = [
  {
    id: 'tpl-baggage-damaged',
    topic: 'baggage',
    title: 'Damaged baggage',
    renderings: {
      email: 'Dear {firstName},\n\nWe have opened case {caseId}.\n\nKind regards,\n{agentName}',
      public_social:
        "We're sorry about your bag, {firstName}. Please DM us your booking reference and we'll sort it out. ^{agentInitials}",
      private_social: "Hi {firstName}, sorry about the damage. I've opened case {caseId}. {agentName}",
      chat: 'Sorry about your bag, {firstName}!',
    },
  },
  {
    id: 'tpl-refund-status',
    topic: 'refunds',
    title: 'Refund status',
    renderings: {
      public_social: 'Hi {firstName}, your refund for order {orderNumber} is on its way. ^{agentInitials}',
      private_social: 'Hi {firstName}, your refund is case {caseId}. {agentName}',
    },
  },
  { id: 'tpl-broken', title: 42, renderings: 'not an object' },
];

/** One customer, Jordan Miles, across X, email and a call; the open X post is Dana's. */
export async function seed(db: SyncDb, over: { conversation?: Partial<MirrorRow> } = {}): Promise<void> {
  await db.agents.bulkPut([
    { id: ME, name: 'Dana Reyes', role: 'agent', presence: 'available', skills: { social: 4, baggage: 3 } },
    { id: 'agent-maya', name: 'Maya Chen', role: 'agent', presence: 'available', skills: { email: 3, refunds: 3 } },
    { id: 'agent-sam', name: 'Sam Ortiz', role: 'agent', presence: 'offline', skills: { voice: 3, social: 2 } },
  ]);
  await db.customers.bulkPut([
    {
      id: 'cust-1',
      displayName: 'Jordan Miles',
      profile: { tier: 'Gold', homeAirport: 'LHR', note: '<b>VIP</b>' },
      lastAgentId: null,
      mergedInto: null,
    },
    { id: 'cust-2', displayName: 'J. Miles', profile: {}, lastAgentId: null, mergedInto: null },
  ]);
  await db.identities.bulkPut([
    {
      id: 'id-x',
      customerId: 'cust-1',
      kind: 'x_handle',
      value: '@jordanm',
      displayName: 'Jordan M',
      followers: 12300,
      evidence: [{ type: 'same_name', value: 'Jordan Miles', handle: '@jordanm' }],
    },
    {
      id: 'id-mail',
      customerId: 'cust-1',
      kind: 'email',
      value: 'jordan@example.com',
      displayName: null,
      followers: null,
      evidence: [],
    },
  ]);
  await db.suggestions.bulkPut([
    {
      id: 'sug-1',
      customerId: 'cust-1',
      otherCustomerId: 'cust-2',
      evidence: [{ type: 'mentioned_email', value: 'jordan@example.com', messageId: 'm-in' }],
      status: 'pending',
    },
    { id: 'sug-old', customerId: 'cust-1', otherCustomerId: 'cust-9', evidence: [], status: 'refused' },
  ]);
  const conversation = (id: string, fields: Partial<MirrorRow>): MirrorRow => ({
    id,
    customerId: 'cust-1',
    channel: 'x_public',
    threadKey: id,
    subject: null,
    status: 'assigned',
    skills: ['social'],
    priority: 3,
    sentiment: -0.4,
    reach: 12300,
    language: 'en',
    assignedAgentId: ME,
    version: 4,
    firstResponseDue: null,
    nextResponseDue: null,
    resolutionDue: null,
    firstResponseAt: null,
    createdAt: iso('2026-11-25T09:00:00Z'),
    updatedAt: iso('2026-11-25T09:00:00Z'),
    resolvedAt: null,
    ...fields,
  });
  await db.conversations.bulkPut([
    conversation('conv-x', over.conversation ?? {}),
    conversation('conv-mail', {
      channel: 'email',
      subject: 'Lost bag on SK101',
      status: 'resolved',
      assignedAgentId: 'agent-maya',
      createdAt: iso('2026-10-01T08:00:00Z'),
      disposition: 'information_given',
    }),
    conversation('conv-call', {
      channel: 'voice',
      status: 'resolved',
      assignedAgentId: 'agent-sam',
      createdAt: iso('2026-11-01T08:00:00Z'),
    }),
    conversation('conv-dm', {
      channel: 'x_dm',
      status: 'assigned',
      assignedAgentId: 'agent-maya',
      createdAt: iso('2026-11-20T08:00:00Z'),
      subject: 'Voucher question',
    }),
  ]);
  const message = (id: string, conversationId: string, at: string, fields: Partial<MirrorRow>): MirrorRow => ({
    id,
    conversationId,
    direction: 'inbound',
    visibility: 'public',
    authorAgentId: null,
    authorIdentityId: 'id-x',
    speaker: null,
    body: '',
    templateId: null,
    sentiment: null,
    createdAt: iso(at),
    ...fields,
  });
  await db.messages.bulkPut([
    message('m-in', 'conv-x', '2026-11-25T09:00:00Z', {
      body: '@skywardair my bag arrived broken <img src=x onerror=alert(1)>',
    }),
    message('m-out', 'conv-x', '2026-11-25T09:05:00Z', {
      direction: 'outbound',
      authorAgentId: ME,
      authorIdentityId: null,
      body: 'So sorry, Jordan. Please DM us.',
    }),
    message('m-note', 'conv-x', '2026-11-25T09:06:00Z', {
      direction: 'note',
      visibility: 'private',
      authorAgentId: ME,
      authorIdentityId: null,
      body: 'Checked the bag file: <script>alert(1)</script>',
    }),
    message('m-dm', 'conv-x', '2026-11-25T09:10:00Z', {
      visibility: 'private',
      body: 'Booking ref is QX7P2L',
    }),
    message('t-1', 'conv-call', '2026-11-01T08:00:01Z', {
      direction: 'transcript',
      visibility: 'private',
      speaker: 'customer',
      body: 'Hi, my suitcase never arrived at Heathrow and I need it today.',
    }),
    message('t-2', 'conv-call', '2026-11-01T08:00:05Z', {
      direction: 'transcript',
      visibility: 'private',
      speaker: 'agent',
      body: 'I am sorry to hear that. Let me look it up.',
    }),
  ]);
  await db.templates.bulkPut(TEMPLATES);
}

export function renderView(
  db: SyncDb,
  connection: FakeConnection,
  props: Partial<ConversationViewProps> = {},
  agentId = ME,
) {
  const store = createAppStore();
  const ui = (p: Partial<ConversationViewProps>) => (
    <StoreContext.Provider value={store}>
      <SyncContext.Provider value={{ connection: connection as unknown as SyncConnection, db, agentId }}>
        <ConversationView conversationId="conv-x" {...p} />
      </SyncContext.Provider>
    </StoreContext.Provider>
  );
  const result = render(ui(props));
  return { ...result, store, rerenderWith: (p: Partial<ConversationViewProps>) => result.rerender(ui(p)) };
}
