import 'fake-indexeddb/auto';
import { afterEach, describe, expect, it } from 'vitest';
import { SyncDb, type MirrorRow } from '../sync/db';
import { DEFAULT_FILTER } from './inboxIndex';
import { InboxSource } from './inboxSource';

const conversation = (id: string, over: Record<string, unknown> = {}): MirrorRow => ({
  id,
  customerId: `cust-${id}`,
  channel: 'chat',
  status: 'assigned',
  assignedAgentId: 'me',
  subject: `About ${id}`,
  sentiment: 0,
  priority: 5,
  reach: 0,
  createdAt: '2026-11-25T10:00:00.000Z',
  updatedAt: '2026-11-25T10:00:00.000Z',
  ...over,
});

async function until(check: () => boolean, what: string) {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 5));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('InboxSource', () => {
  let db: SyncDb;
  let source: InboxSource | undefined;
  afterEach(async () => {
    source?.stop();
    db.close();
    await db.delete();
  });

  it('loads every conversation in pages, then follows writes to the mirror by key', async () => {
    db = new SyncDb(`inbox-${crypto.randomUUID()}`);
    await db.conversations.bulkPut(
      Array.from({ length: 25 }, (_, i) => conversation(`c${String(i).padStart(2, '0')}`)),
    );
    await db.customers.put({ id: 'cust-c00', displayName: 'Ana Lima' });
    source = new InboxSource(db, 'me', 4);
    let notified = 0;
    source.subscribe(() => notified++);
    source.start();
    await source.idle();
    expect(source.progress).toEqual({ loaded: 25, total: 25, done: true });
    expect(source.index.customerName('cust-c00')).toBe('Ana Lima');
    expect(notified).toBeGreaterThan(0);

    // The sync worker writes: a change, a new row, a removal, a read mark, a renamed customer.
    await db.conversations.put(conversation('c01', { status: 'resolved' }));
    await db.conversations.put(conversation('c99', { channel: 'x_public' }));
    await db.conversations.delete('c02');
    await db.reads.put({ conversationId: 'c03', readAt: Date.now() });
    await db.customers.put({ id: 'cust-c00', displayName: 'Ana Lima-Souza' });
    await until(() => source!.index.size === 25 && source!.index.get('c99') !== undefined, 'the writes');
    await source.idle();
    expect(source.index.get('c01')?.status).toBe('resolved');
    expect(source.index.get('c02')).toBeUndefined();
    expect(source.index.customerName('cust-c00')).toBe('Ana Lima-Souza');
    const open = source.index.query(DEFAULT_FILTER, 'me', Date.now()).map((i) => i.id);
    expect(open).not.toContain('c01');
    expect(open).toContain('c99');
  });

  it('rebuilds when the mirror is cleared (a reset), keeping nothing stale', async () => {
    db = new SyncDb(`inbox-${crypto.randomUUID()}`);
    await db.conversations.bulkPut([conversation('a'), conversation('b')]);
    source = new InboxSource(db, 'me');
    source.start();
    await source.idle();
    expect(source.index.size).toBe(2);
    await db.transaction('rw', db.conversations, async () => {
      await db.conversations.clear();
      await db.conversations.put(conversation('c'));
    });
    await until(() => source!.index.size === 1 && source!.index.get('c') !== undefined, 'the rebuild');
    expect(source.index.get('a')).toBeUndefined();
  });
});
