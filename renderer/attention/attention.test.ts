import { describe, expect, it } from 'vitest';
import { NotificationRequestSchema } from '../../shared/ipc';
import type { MirrorRow } from '../sync/db';
import {
  conversationOfTag,
  decideAttention,
  MAX_NOTICES,
  nextAttentionChange,
  noticeTag,
  plainText,
  snapshotOf,
  type AttentionConversation,
  type AttentionDecision,
  type AttentionOffer,
  type AttentionSnapshot,
} from './attention';

const T0 = Date.parse('2026-11-25T12:00:00Z');
const min = (m: number) => T0 + m * 60_000;
const iso = (m: number) => new Date(min(m)).toISOString();

function conv(id: string, overrides: Partial<AttentionConversation> = {}): AttentionConversation {
  return {
    id,
    channel: 'chat',
    status: 'assigned',
    version: 1,
    customerName: 'Dana Reyes',
    subject: 'Where is my order?',
    sla: {},
    createdAt: min(-60),
    unread: false,
    ...overrides,
  };
}

const offer = (offerId: string, conversationId: string, expiresAt: number | null = min(1)): AttentionOffer => ({
  offerId,
  conversationId,
  expiresAt,
});

const snap = (atMinutes: number, conversations: AttentionConversation[], offers: AttentionOffer[] = []) => ({
  at: min(atMinutes),
  conversations,
  offers,
});

/** Plays the hook: looks one after the other, remembering what was handled. */
function watcher() {
  const notified = new Set<string>();
  let previous: AttentionSnapshot | null = null;
  return (current: AttentionSnapshot): AttentionDecision => {
    const decision = decideAttention(previous, current, notified);
    decision.remember.forEach((k) => notified.add(k));
    previous = current;
    return decision;
  };
}

const titles = (d: AttentionDecision) => d.notices.map((n) => n.title);

describe('attention: new work', () => {
  it('announces an incoming call with the caller’s name, tagged by conversation and kind', () => {
    const look = watcher();
    look(snap(0, []));
    const call = conv('c1', { channel: 'voice', status: 'offered', subject: 'Refund for order 1042' });
    const d = look(snap(0.1, [call], [offer('o1', 'c1')]));
    expect(d.notices).toEqual([
      {
        kind: 'offer',
        conversationId: 'c1',
        tag: 'c1:offer',
        title: 'Incoming call from Dana Reyes',
        body: 'Refund for order 1042',
      },
    ]);
  });

  it('announces an offer on another channel as a new conversation of that channel', () => {
    const look = watcher();
    look(snap(0, []));
    const d = look(snap(0.1, [conv('c1', { channel: 'messenger', status: 'offered' })], [offer('o1', 'c1')]));
    expect(d.notices[0]).toMatchObject({
      title: 'New Messenger conversation',
      body: 'From Dana Reyes: Where is my order?',
    });
  });

  it('announces a call from a caller with no name and no subject in words that still help', () => {
    const look = watcher();
    look(snap(0, []));
    const call = conv('c1', { channel: 'voice', status: 'offered', customerName: '', subject: '' });
    expect(look(snap(0.1, [call], [offer('o1', 'c1')])).notices[0]).toMatchObject({
      title: 'Incoming call from an unknown caller',
      body: 'Answer it in Switchboard before it rings out.',
    });
  });

  it('announces an offer that is already ringing when the app starts, once', () => {
    const look = watcher();
    const call = conv('c1', { channel: 'voice', status: 'offered' });
    expect(titles(look(snap(0, [call], [offer('o1', 'c1')])))).toEqual(['Incoming call from Dana Reyes']);
    expect(look(snap(0.1, [call], [offer('o1', 'c1')])).notices).toEqual([]);
  });

  it('does not announce an offer that has already run out', () => {
    const look = watcher();
    look(snap(0, []));
    const call = conv('c1', { channel: 'voice', status: 'offered' });
    expect(look(snap(2, [call], [offer('o1', 'c1', min(1))])).notices).toEqual([]);
  });

  it('does not announce the call again when the agent accepts it', () => {
    const look = watcher();
    look(snap(0, []));
    const call = conv('c1', { channel: 'voice', status: 'offered' });
    look(snap(0.1, [call], [offer('o1', 'c1')]));
    expect(look(snap(0.2, [{ ...call, status: 'assigned', version: 2 }])).notices).toEqual([]);
  });

  it('announces a chat assigned straight to the agent (async work is not offered)', () => {
    const look = watcher();
    look(snap(0, [conv('c0')]));
    const d = look(snap(1, [conv('c0'), conv('c1', { channel: 'email', subject: 'Invoice' })]));
    expect(d.notices).toEqual([
      {
        kind: 'assigned',
        conversationId: 'c1',
        tag: 'c1:assigned',
        title: 'New email conversation',
        body: 'From Dana Reyes: Invoice',
      },
    ]);
  });

  it('says a conversation was reopened when the customer comes back to a resolved one', () => {
    const look = watcher();
    look(snap(0, []));
    expect(titles(look(snap(1, [conv('c1', { channel: 'x_dm', status: 'reopened' })])))).toEqual([
      'X DM conversation reopened',
    ]);
  });

  it('does not announce what the agent already had when the app starts', () => {
    const look = watcher();
    const d = look(snap(0, [conv('c1'), conv('c2', { status: 'reopened' })]));
    expect(d.notices).toEqual([]);
  });

  it('does not announce a conversation that blinks out and back (an undone transfer)', () => {
    const look = watcher();
    look(snap(0, [conv('c1')]));
    look(snap(1, []));
    expect(look(snap(2, [conv('c1')])).notices).toEqual([]);
  });

  it('announces a conversation transferred away and later back again: a new assignment', () => {
    const look = watcher();
    look(snap(0, []));
    expect(look(snap(1, [conv('c1', { version: 3 })])).notices).toHaveLength(1);
    look(snap(2, []));
    expect(titles(look(snap(3, [conv('c1', { version: 5 })])))).toEqual(['New web chat conversation']);
  });

  it('does not announce work arriving in wrap-up', () => {
    const look = watcher();
    look(snap(0, []));
    expect(look(snap(1, [conv('c1', { status: 'wrap_up' })])).notices).toEqual([]);
  });
});

describe('attention: SLA', () => {
  const due = (m: number) => ({ firstResponseDue: iso(m) });

  it('warns once when a first response enters its warning window', () => {
    const look = watcher();
    const c = conv('c1', { sla: due(10), createdAt: min(-10) });
    expect(look(snap(0, [c])).notices).toEqual([]);
    const d = look(snap(6, [c]));
    expect(d.notices).toEqual([
      {
        kind: 'sla_warning',
        conversationId: 'c1',
        tag: 'c1:sla_warning',
        title: 'SLA warning: first response due in 4 min',
        body: 'From Dana Reyes: Where is my order?',
      },
    ]);
    expect(look(snap(7, [c])).notices).toEqual([]);
  });

  it('announces the breach once when the deadline passes', () => {
    const look = watcher();
    const c = conv('c1', { sla: { nextResponseDue: iso(2) }, createdAt: min(-50) });
    look(snap(0, [c]));
    expect(titles(look(snap(3, [c])))).toEqual(['SLA breached: reply overdue']);
    expect(look(snap(4, [c])).notices).toEqual([]);
  });

  it('announces a breach straight from ok, when the machine slept through the warning', () => {
    const look = watcher();
    const c = conv('c1', { sla: { resolutionDue: iso(60) }, createdAt: min(-600) });
    look(snap(0, [c]));
    expect(look(snap(90, [c])).notices.map((n) => n.kind)).toEqual(['sla_breached']);
  });

  it('does not announce an SLA already in warning or breached when the app starts', () => {
    const look = watcher();
    const d = look(snap(0, [conv('c1', { sla: due(3) }), conv('c2', { sla: due(-3) })]));
    expect(d.notices).toEqual([]);
  });

  it('announces a conversation that arrives already late as new work, not as an SLA warning', () => {
    const look = watcher();
    look(snap(0, []));
    expect(look(snap(1, [conv('c1', { sla: due(-3) })])).notices.map((n) => n.kind)).toEqual(['assigned']);
  });

  it('warns again for the next deadline after the agent answered the first', () => {
    const look = watcher();
    const c = conv('c1', { sla: due(10), createdAt: min(-10) });
    look(snap(0, [c]));
    expect(look(snap(6, [c])).notices).toHaveLength(1);
    const answered = {
      ...c,
      version: 2,
      sla: { firstResponseAt: iso(7), firstResponseDue: iso(10), nextResponseDue: iso(67) },
    };
    expect(look(snap(7, [answered])).notices).toEqual([]);
    expect(titles(look(snap(63, [answered])))).toEqual(['SLA warning: reply due in 4 min']);
  });

  it('does not warn twice for the same deadline when the clock flickers back to ok', () => {
    const look = watcher();
    const c = conv('c1', { sla: due(10), createdAt: min(-10) });
    look(snap(0, [c]));
    look(snap(6, [c]));
    look(snap(6.5, [{ ...c, sla: {} }]));
    expect(look(snap(7, [c])).notices).toEqual([]);
  });

  it('has no clock for a resolved target', () => {
    const look = watcher();
    const c = conv('c1', { sla: { resolutionDue: iso(10), resolvedAt: iso(-1) } });
    look(snap(0, [c]));
    expect(look(snap(20, [c])).notices).toEqual([]);
  });
});

describe('attention: badge', () => {
  it('counts pending offers and unread conversations', () => {
    const look = watcher();
    const d = look(
      snap(
        0,
        [
          conv('c1', { unread: true }),
          conv('c2'),
          conv('c3', { unread: true }),
          conv('c4', { channel: 'voice', status: 'offered' }),
        ],
        [offer('o4', 'c4')],
      ),
    );
    expect(d.badge).toBe(3);
  });

  it('counts an offered conversation with a new message once', () => {
    const look = watcher();
    const d = look(snap(0, [conv('c1', { status: 'offered', unread: true })], [offer('o1', 'c1')]));
    expect(d.badge).toBe(1);
  });

  it('stops counting an offer once it has run out', () => {
    const look = watcher();
    const c = conv('c1', { status: 'offered' });
    expect(look(snap(0, [c], [offer('o1', 'c1', min(0.5))])).badge).toBe(1);
    expect(look(snap(1, [c], [offer('o1', 'c1', min(0.5))])).badge).toBe(0);
  });

  it('is zero with nothing waiting', () => {
    expect(watcher()(snap(0, [conv('c1')])).badge).toBe(0);
  });
});

describe('attention: a flood of work at once', () => {
  it(`shows the ${MAX_NOTICES - 1} most urgent and sums up the rest in one notification`, () => {
    const look = watcher();
    look(snap(0, []));
    const many = ['a', 'b', 'c', 'd', 'e'].map((id) => conv(id));
    const call = conv('v', { channel: 'voice', status: 'offered' });
    const d = look(snap(1, [...many, call], [offer('ov', 'v', min(2))]));
    expect(d.notices.map((n) => n.tag)).toEqual(['v:offer', 'a:assigned', 'attention:summary']);
    expect(d.notices[2]).toMatchObject({
      title: '4 more updates in Switchboard',
      conversationId: null,
      kind: 'summary',
    });
    expect(look(snap(1.5, [...many, call], [offer('ov', 'v', min(2))])).notices).toEqual([]);
  });
});

describe('attention: text for the OS', () => {
  it('keeps customer text to one plain line of bounded length', () => {
    expect(plainText('  Dana\n\tReyes  ', 60)).toBe('Dana Reyes');
    expect(plainText('evil\u202Egpj.exe', 60)).toBe('evil gpj.exe');
    expect(plainText('zero\u200Bwidth\u0007bell', 60)).toBe('zero width bell');
    expect(plainText('x'.repeat(100), 10)).toBe(`${'x'.repeat(9)}…`);
  });

  it('builds notifications the bridge accepts, whatever the customer wrote', () => {
    const look = watcher();
    look(snap(0, []));
    const hostile = conv('c1', {
      channel: 'voice',
      status: 'offered',
      customerName: `\u202E${'A'.repeat(500)}\n<script>`,
      subject: `${'line\r\n'.repeat(200)}\u0000`,
    });
    const d = look(
      snap(
        1,
        [hostile, conv('c2', { customerName: 'B'.repeat(999), subject: 'S'.repeat(999) })],
        [offer('o1', 'c1', min(2))],
      ),
    );
    expect(d.notices).toHaveLength(2);
    for (const n of d.notices) {
      expect(NotificationRequestSchema.safeParse({ title: n.title, body: n.body, tag: n.tag }).success).toBe(true);
    }
  });

  it('makes a tag the bridge accepts from any conversation id and finds the conversation from it', () => {
    expect(noticeTag('0190a5e0-0000-7000-8000-000000000001', 'offer')).toBe(
      '0190a5e0-0000-7000-8000-000000000001:offer',
    );
    const odd = conv('conv 7/ü');
    const tag = noticeTag(odd.id, 'assigned');
    expect(NotificationRequestSchema.shape.tag.safeParse(tag).success).toBe(true);
    expect(conversationOfTag(tag, [odd])).toBe('conv 7/ü');
    expect(conversationOfTag('c1:sla_warning')).toBe('c1');
    expect(conversationOfTag('attention:summary')).toBeNull();
    expect(conversationOfTag('nonsense')).toBeNull();
    expect(conversationOfTag('c1:constructor')).toBeNull();
  });
});

describe('nextAttentionChange', () => {
  it('is the earliest of an SLA warning, an SLA breach and an offer running out', () => {
    const c1 = conv('c1', { sla: { firstResponseDue: iso(30) }, createdAt: min(-30) });
    const c2 = conv('c2', { sla: { resolutionDue: iso(3) } });
    expect(nextAttentionChange(snap(0, [c1]))).toBe(min(15));
    expect(nextAttentionChange(snap(0, [c1, c2]))).toBe(min(3) + 1);
    expect(nextAttentionChange(snap(0, [c1, c2], [offer('o', 'x', min(0.5))]))).toBe(min(0.5));
  });

  it('is null with nothing that changes by itself', () => {
    expect(nextAttentionChange(snap(0, [conv('c1'), conv('c2', { sla: { firstResponseDue: iso(-1) } })]))).toBeNull();
  });
});

describe('snapshotOf', () => {
  const row = (id: string, fields: Record<string, unknown> = {}): MirrorRow => ({
    id,
    customerId: 'cu1',
    channel: 'chat',
    status: 'assigned',
    assignedAgentId: 'a1',
    subject: 'Hello',
    version: 4,
    createdAt: iso(-10),
    ...fields,
  });
  const rows = (fields: Partial<Parameters<typeof snapshotOf>[0]> = {}) => ({
    conversations: [],
    offers: [],
    reads: new Map(),
    customers: new Map([['cu1', 'Dana Reyes']]),
    ...fields,
  });

  it('keeps the agent’s open conversations with their customer, and drops resolved or reassigned ones', () => {
    const s = snapshotOf(
      rows({
        conversations: [
          row('c1'),
          row('c2', { status: 'resolved' }),
          row('c3', { assignedAgentId: 'a2' }),
          row('c4', { status: 'queued' }),
          row('c5', { channel: 'pager' }),
        ],
      }),
      'a1',
      T0,
    );
    expect(s.conversations.map((c) => [c.id, c.channel, c.customerName, c.version])).toEqual([
      ['c1', 'chat', 'Dana Reyes', 4],
      ['c5', null, 'Dana Reyes', 4],
    ]);
  });

  it('is unread when the last customer message is newer than the read mark, in ms or ISO', () => {
    const s = snapshotOf(
      rows({
        conversations: [
          row('never-read', { lastInboundAt: iso(-5) }),
          row('read-after', { lastInboundAt: iso(-5) }),
          row('read-before', { lastInboundAt: iso(-5) }),
          row('read-before-iso', { lastInboundAt: iso(-5) }),
          row('no-inbound'),
        ],
        reads: new Map<string, unknown>([
          ['read-after', min(-4)],
          ['read-before', min(-6)],
          ['read-before-iso', iso(-6)],
          ['no-inbound', min(-100)],
        ]),
      }),
      'a1',
      T0,
    );
    expect(Object.fromEntries(s.conversations.map((c) => [c.id, c.unread]))).toEqual({
      'never-read': true,
      'read-after': false,
      'read-before': true,
      'read-before-iso': true,
      'no-inbound': false,
    });
  });

  it('keeps only this agent’s pending offers for conversations offered to them', () => {
    const s = snapshotOf(
      rows({
        conversations: [row('c1', { status: 'offered', channel: 'voice' }), row('c2')],
        offers: [
          { id: 'o1', conversationId: 'c1', agentId: 'a1', status: 'pending', expiresAt: iso(0.5) },
          { id: 'o0', conversationId: 'c1', agentId: 'a1', status: 'expired', expiresAt: iso(-5) },
          { id: 'o2', conversationId: 'c1', agentId: 'a2', status: 'pending', expiresAt: iso(0.5) },
          { id: 'o3', conversationId: 'c2', agentId: 'a1', status: 'pending', expiresAt: iso(0.5) },
        ],
      }),
      'a1',
      T0,
    );
    expect(s.offers).toEqual([{ offerId: 'o1', conversationId: 'c1', expiresAt: min(0.5) }]);
  });
});
