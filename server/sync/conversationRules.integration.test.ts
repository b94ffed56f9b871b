import { afterEach, describe, expect, it } from 'vitest';
import { DISPOSITIONS } from '../../shared/domain';
import type { Change } from '../../shared/protocol';
import { ESCALATION_BOOST } from '../ingest/priority';
import { DB_KINDS } from '../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/** Escalation to another department, and wrap-up codes. */
describe.each(DB_KINDS)('conversation rules on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  /** Dana holds a DM; Rita works refunds (and nothing else) and is available once it is Dana's. */
  async function assigned(): Promise<{ dana: TestClient; rita: TestClient; conversationId: string }> {
    await t.addAgent({ id: 'dana', name: 'Dana' });
    await t.addAgent({ id: 'rita', name: 'Rita', skills: { refunds: 4 } });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({ channel: 'x_dm', text: 'I was charged twice for my ticket' });
    const conversationId = body.conversationId as string;
    expect((await t.conversation(conversationId)).assigned_agent_id).toBe('dana');
    const rita = await t.connect('rita');
    await rita.op('presence.set', { presence: 'available' });
    await t.settle();
    return { dana, rita, conversationId };
  }
  const escalate = (client: TestClient, conversationId: string, department = 'refunds') =>
    client.op('conversation.escalate', { conversationId, department, note: 'Double charge: needs a refund.' });
  const notes = async (conversationId: string) =>
    (
      await t.db.query<{ body: string; visibility: string; author_agent_id: string }>(
        "select body, visibility, author_agent_id from messages where conversation_id = $1 and direction = 'note'",
        [conversationId],
      )
    ).rows;

  it(
    'an escalation re-queues the conversation for the department, ahead of ordinary work, with a private note, and routes it to an agent of that department',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { dana, rita, conversationId } = await assigned();
      const before = await t.conversation(conversationId);
      dana.pushes.length = 0;

      const result = await escalate(dana, conversationId);
      expect(result.status, JSON.stringify(result)).toBe('applied');
      await t.settle();

      const after = await t.conversation(conversationId);
      expect(after).toMatchObject({
        skills: ['refunds'],
        priority: Math.min(100, (before.priority as number) + ESCALATION_BOOST),
        assigned_agent_id: 'rita',
        status: 'assigned',
      });
      expect(await notes(conversationId)).toEqual([
        {
          body: 'Escalated to refunds: Double charge: needs a refund.',
          visibility: 'private',
          author_agent_id: 'dana',
        },
      ]);
      // It left Dana's view; Rita got it with the note that says why.
      const danaGot = dana.pushes.flatMap((p) => p.changes);
      expect(danaGot.filter((c) => c.entity === 'conversation' && c.id === conversationId).at(-1)?.data).toBeNull();
      const ritaGot: Change[] = await rita.pullAll();
      expect(ritaGot.some((c) => c.entity === 'conversation' && c.id === conversationId)).toBe(true);
      expect(
        ritaGot.some((c) => c.entity === 'message' && String(c.data?.body).startsWith('Escalated to refunds')),
      ).toBe(true);
      // Dana's capacity came back: the next DM is hers.
      const next = await t.ingest({ channel: 'x_dm', text: 'hello again' });
      expect((await t.conversation(next.body.conversationId as string)).assigned_agent_id).toBe('dana');
    },
  );

  it(
    'an escalation to a department nobody works in, by someone else, or of a resolved conversation is refused and changes nothing',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { dana, rita, conversationId } = await assigned();
      const before = await t.conversation(conversationId);

      expect(await escalate(dana, conversationId, 'lost luggage')).toEqual(
        expect.objectContaining({
          status: 'rejected',
          reason: 'unknown_skill',
          detail: 'No agent works in “lost luggage”: pick another department or ask a lead.',
        }),
      );
      expect(await escalate(rita, conversationId)).toMatchObject({
        status: 'rejected',
        reason: 'not_assignee',
        detail: 'This conversation is now with Dana.',
      });
      expect(await t.conversation(conversationId)).toMatchObject({
        version: before.version,
        skills: before.skills,
        priority: before.priority,
        assigned_agent_id: 'dana',
      });
      expect(await notes(conversationId)).toEqual([]);

      expect((await dana.op('conversation.resolve', { conversationId })).status).toBe('applied');
      expect(await escalate(dana, conversationId)).toMatchObject({ status: 'rejected', reason: 'conversation_closed' });
      expect(await notes(conversationId)).toEqual([]);
    },
  );

  it('a team lead may escalate a conversation of their team', { timeout: 30_000 }, async () => {
    t = await startTestServer(kind);
    const { conversationId } = await assigned();
    await t.addAgent({ id: 'lee', name: 'Lee', role: 'lead', team: 't1' });
    const lee = await t.connect('lee');
    expect((await escalate(lee, conversationId)).status).toBe('applied');
    await t.settle();
    expect(await t.conversation(conversationId)).toMatchObject({ assigned_agent_id: 'rita', skills: ['refunds'] });
    expect((await notes(conversationId))[0]).toMatchObject({ author_agent_id: 'lee' });
  });

  it(
    'a wrap-up with a code outside the list is refused as invalid; one from the list applies',
    { timeout: 30_000 },
    async () => {
      t = await startTestServer(kind);
      const { dana, conversationId } = await assigned();
      const refused = await dana.op('conversation.wrap_up', { conversationId, disposition: 'rebooked' });
      expect(refused).toMatchObject({ status: 'rejected', reason: 'invalid_op' });
      expect(refused.detail).toBe(
        `“rebooked” is not a wrap-up code; use one of ${DISPOSITIONS.map((d) => d.code).join(', ')}.`,
      );
      expect((await t.conversation(conversationId)).status).toBe('assigned');
      const ok = await dana.op('conversation.wrap_up', {
        conversationId,
        disposition: 'refund_issued',
        notes: 'refunded',
      });
      expect(ok.status).toBe('applied');
      const { rows } = await t.db.query<{ code: string }>('select code from dispositions where conversation_id = $1', [
        conversationId,
      ]);
      expect(rows).toEqual([{ code: 'refund_issued' }]);
    },
  );
});
