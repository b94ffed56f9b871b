import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS, openTestDatabase } from '../testing/testDatabase';
import { migrate } from './migrate';

describe.each(DB_KINDS)('migrations on %s', (kind) => {
  let drop: (() => Promise<void>) | undefined;
  afterEach(async () => {
    await drop?.();
  });

  it(
    '003 backfills last_inbound_at from the newest inbound message, ignoring replies and notes',
    { timeout: 30_000 },
    async () => {
      const opened = await openTestDatabase(kind);
      drop = opened.drop;
      const { db } = opened;
      await migrate(db);
      await db.query("insert into customers (id, display_name) values ('cu', 'Tess')");
      await db.query(
        `insert into conversations (id, customer_id, channel, thread_key, status) values
           ('written', 'cu', 'x_dm', 'a', 'assigned'), ('silent', 'cu', 'email', 'b', 'queued')`,
      );
      await db.query(
        `insert into messages (id, conversation_id, direction, visibility, body, created_at) values
           ('m1', 'written', 'inbound', 'private', 'hi', '2024-05-01T10:00:00Z'),
           ('m2', 'written', 'inbound', 'private', 'still there?', '2024-05-01T10:05:00Z'),
           ('m3', 'written', 'outbound', 'private', 'yes', '2024-05-01T10:09:00Z'),
           ('m4', 'written', 'note', 'private', 'checking', '2024-05-01T10:10:00Z')`,
      );
      // The database as it was before 003.
      await db.query('alter table conversations drop column last_inbound_at');
      await db.query("delete from schema_migrations where name = '003_last_inbound_at.sql'");

      expect(await migrate(db)).toEqual(['003_last_inbound_at.sql']);
      const { rows } = await db.query<{ id: string; last_inbound_at: Date | null }>(
        'select id, last_inbound_at from conversations order by id',
      );
      expect(rows.map((r) => [r.id, r.last_inbound_at?.toISOString() ?? null])).toEqual([
        ['silent', null],
        ['written', '2024-05-01T10:05:00.000Z'],
      ]);
    },
  );
});
