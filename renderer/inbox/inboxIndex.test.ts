import { describe, expect, it } from 'vitest';
import { DEFAULT_FILTER, InboxIndex, slaStateOf, type InboxFilter } from './inboxIndex';
import { toInboxItem, type InboxItem } from './inboxItem';

const NOW = Date.parse('2026-11-25T12:00:00.000Z');
const iso = (ms: number) => new Date(ms).toISOString();

function item(id: string, over: Record<string, unknown> = {}): InboxItem {
  const row = {
    id,
    customerId: `cust-${id}`,
    channel: 'email',
    status: 'assigned',
    assignedAgentId: 'me',
    subject: `Subject ${id}`,
    sentiment: 0,
    priority: 10,
    reach: 0,
    createdAt: iso(NOW - 3_600_000),
    updatedAt: iso(NOW - 60_000),
    firstResponseDue: null,
    ...over,
  };
  const parsed = toInboxItem(row);
  if (!parsed) throw new Error('bad row');
  return parsed;
}

const filter = (over: Partial<InboxFilter> = {}): InboxFilter => ({ ...DEFAULT_FILTER, ...over });
const ids = (items: InboxItem[]) => items.map((i) => i.id);

describe('InboxIndex', () => {
  it('orders by the nearest SLA target, then priority, then latest activity', () => {
    const index = new InboxIndex();
    index.upsert([
      item('later', { firstResponseDue: iso(NOW + 3_600_000) }),
      item('none'),
      item('soon', { firstResponseDue: iso(NOW + 60_000) }),
      item('urgent-none', { priority: 90 }),
    ]);
    expect(ids(index.query(filter(), 'me', NOW))).toEqual(['soon', 'later', 'urgent-none', 'none']);
    expect(ids(index.query(filter({ sort: 'newest' }), 'me', NOW))).toHaveLength(4);
  });

  it('keeps the order when rows change one by one, as it does after a full sort', () => {
    const index = new InboxIndex();
    const rows = Array.from({ length: 300 }, (_, i) =>
      item(`c${i}`, { firstResponseDue: iso(NOW + ((i * 7919) % 300) * 60_000), priority: i % 5 }),
    );
    index.upsert(rows);
    // Small batches are placed by binary search; compare with a fresh index sorted from scratch.
    for (let i = 0; i < 200; i++) {
      const id = `c${(i * 31) % 300}`;
      index.upsert([item(id, { firstResponseDue: iso(NOW + ((i * 104729) % 500) * 60_000), priority: i % 7 })]);
    }
    // A page of changes at once (merged in one pass), with a row changed twice in it.
    index.upsert(
      Array.from({ length: 150 }, (_, i) =>
        item(`c${(i * 7) % 300}`, { firstResponseDue: iso(NOW + ((i * 337) % 400) * 60_000), updatedAt: iso(NOW - i) }),
      ),
    );
    index.remove(['c1', 'c2', 'c3']);
    index.remove(Array.from({ length: 80 }, (_, i) => `c${200 + i}`));
    const fresh = new InboxIndex();
    const all = ids(index.query(filter({ sort: 'newest' }), 'me', NOW)).map((id) => index.get(id)!);
    fresh.upsert(all);
    expect(ids(index.query(filter(), 'me', NOW))).toEqual(ids(fresh.query(filter(), 'me', NOW)));
    expect(ids(index.query(filter({ sort: 'newest' }), 'me', NOW))).toEqual(
      ids(fresh.query(filter({ sort: 'newest' }), 'me', NOW)),
    );
    expect(index.size).toBe(217);
  });

  it('filters by scope, status, channel, sentiment, SLA state, unread and search words', () => {
    const index = new InboxIndex();
    index.upsert([
      item('mine-email', { sentiment: -0.6, lastInboundAt: iso(NOW - 1000) }),
      item('mine-x', { channel: 'x_public', subject: 'Lost my bag in Lisbon', sentiment: 0.4 }),
      item('queued', { status: 'queued', assignedAgentId: null }),
      item('theirs', { assignedAgentId: 'other' }),
      item('done', { status: 'resolved', resolvedAt: iso(NOW - 1000) }),
      item('breached', { firstResponseDue: iso(NOW - 1000) }),
      item('warning', { firstResponseDue: iso(NOW + 60_000) }),
    ]);
    index.setNames([['cust-mine-email', 'Ana Lima']]);
    index.setReads([['breached', NOW]]);
    const q = (over: Partial<InboxFilter>) => ids(index.query(filter(over), 'me', NOW)).sort();
    expect(q({})).toEqual(['breached', 'mine-email', 'mine-x', 'warning']);
    expect(q({ scope: 'queue' })).toEqual(['queued']);
    expect(q({ scope: 'all' })).toHaveLength(6);
    expect(q({ scope: 'all', status: 'any' })).toHaveLength(7);
    expect(q({ status: 'resolved' })).toEqual(['done']);
    expect(q({ channel: 'x_public' })).toEqual(['mine-x']);
    expect(q({ sentiment: 'negative' })).toEqual(['mine-email']);
    expect(q({ sentiment: 'positive' })).toEqual(['mine-x']);
    expect(q({ sla: 'breached' })).toEqual(['breached']);
    expect(q({ sla: 'warning' })).toEqual(['warning']);
    expect(q({ unreadOnly: true })).toEqual(['mine-email']);
    expect(q({ search: 'ana' })).toEqual(['mine-email']);
    expect(q({ search: 'LISBON bag' })).toEqual(['mine-x']);
    expect(q({ search: 'lisbon ana' })).toEqual([]);
    index.upsert([item('post', { channel: 'x_public', subject: null, preview: 'Gate agent was rude at LHR' })]);
    expect(q({ search: 'rude lhr' })).toEqual(['post']);
  });

  it('measures unread against the read mark of this computer', () => {
    const index = new InboxIndex();
    const c = item('c', { lastInboundAt: iso(NOW) });
    index.upsert([c]);
    expect(index.isUnread(c)).toBe(true);
    index.setReads([['c', NOW]]);
    expect(index.isUnread(c)).toBe(false);
    index.setReads([['c', null]]);
    expect(index.isUnread(c)).toBe(true);
  });

  it('names the SLA state as the row clock does, without formatting', () => {
    expect(slaStateOf(item('a'), NOW)).toBe('none');
    expect(slaStateOf(item('b', { firstResponseDue: iso(NOW - 1) }), NOW)).toBe('breached');
    expect(slaStateOf(item('c', { firstResponseDue: iso(NOW + 4 * 60_000) }), NOW)).toBe('warning');
    expect(slaStateOf(item('d', { firstResponseDue: iso(NOW + 60 * 60_000) }), NOW)).toBe('ok');
    expect(slaStateOf(item('e', { firstResponseDue: iso(NOW - 1), firstResponseAt: iso(NOW - 5) }), NOW)).toBe('none');
  });

  it('leaves out rows a newer server sent in a shape it does not know', () => {
    expect(toInboxItem({ id: 'x', channel: 'pager', status: 'assigned', customerId: 'c' })).toBeNull();
    expect(toInboxItem({ id: 'x', channel: 'email', status: 'assigned' })).toBeNull();
  });
});
