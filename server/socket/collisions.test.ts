import { afterEach, describe, expect, it } from 'vitest';
import { CollisionSchema, SocketErrorSchema, type Collision } from '../../shared/protocol';
import { startTestServer, type TestClient, type TestServer } from '../testing/testServer';

/**
 * Collision presence over real sockets: who else views or types in a conversation. PGlite only:
 * nothing here is stored, and the one authorisation query is the same SQL on both databases.
 */
describe('collision presence on the sync socket', { timeout: 30_000 }, () => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  /** A client and every collision the server sent it. */
  const watch = (client: TestClient) => {
    const seen: Collision[] = [];
    client.socket.on('collision', (c: unknown) => seen.push(CollisionSchema.parse(c)));
    return seen;
  };
  const view = (client: TestClient, conversationId: string | null, typing = false) =>
    client.socket.timeout(5_000).emitWithAck('viewing', { conversationId, typing }) as Promise<unknown>;

  /** Dana has a conversation; Lee leads her team; Sam serves the same customer on another thread. */
  async function setUp() {
    t = await startTestServer('pglite');
    await t.addAgent({ id: 'dana', name: 'Dana' });
    await t.addAgent({ id: 'sam', name: 'Sam' });
    await t.addAgent({ id: 'lee', name: 'Lee', role: 'lead', team: 't1' });
    await t.addAgent({ id: 'stranger', name: 'Stranger' });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const author = { kind: 'x_handle' as const, value: '@traveller' };
    const first = await t.ingest({ channel: 'x_public', threadKey: 'bag', author, text: 'where is my bag' });
    const conversationId = first.body.conversationId as string;
    await dana.op('presence.set', { presence: 'away' });
    const sam = await t.connect('sam');
    await sam.op('presence.set', { presence: 'available' });
    await t.settle();
    const second = await t.ingest({ channel: 'x_dm', threadKey: 'refund', author, text: 'and my refund?' });
    const assignee = async (id: string) => (await t.conversation(id)).assigned_agent_id;
    expect(await assignee(conversationId)).toBe('dana');
    expect(await assignee(second.body.conversationId as string)).toBe('sam');
    return { dana, sam, conversationId };
  }

  it('two agents on one thread see each other, then the typing, then the warning clears when one leaves', async () => {
    const { dana, conversationId } = await setUp();
    const lee = await t.connect('lee');
    const danaSees = watch(dana);
    const leeSees = watch(lee);

    expect(await view(dana, conversationId)).toEqual({ ok: true });
    await expect.poll(() => danaSees.at(-1)).toEqual({ conversationId, others: [] });

    expect(await view(lee, conversationId)).toEqual({ ok: true });
    await expect
      .poll(() => danaSees.at(-1))
      .toEqual({ conversationId, others: [{ agentId: 'lee', name: 'Lee', typing: false }] });
    await expect
      .poll(() => leeSees.at(-1))
      .toEqual({ conversationId, others: [{ agentId: 'dana', name: 'Dana', typing: false }] });

    const leeSaw = leeSees.length;
    expect(await view(lee, conversationId, true)).toEqual({ ok: true });
    await expect
      .poll(() => danaSees.at(-1))
      .toEqual({ conversationId, others: [{ agentId: 'lee', name: 'Lee', typing: true }] });
    // Lee's own list did not change when Lee started typing: nothing is re-sent to Lee.
    expect(leeSees).toHaveLength(leeSaw);

    expect(await view(lee, null)).toEqual({ ok: true });
    await expect.poll(() => danaSees.at(-1)).toEqual({ conversationId, others: [] });
    expect(danaSees.map((c) => c.others.length)).toEqual([0, 1, 1, 0]);
  });

  it('a disconnect leaves the thread and clears the other agent’s warning', async () => {
    const { dana, conversationId } = await setUp();
    const lee = await t.connect('lee');
    const danaSees = watch(dana);
    await view(dana, conversationId);
    await view(lee, conversationId, true);
    await expect.poll(() => danaSees.at(-1)?.others).toEqual([{ agentId: 'lee', name: 'Lee', typing: true }]);
    lee.close();
    await expect.poll(() => danaSees.at(-1)).toEqual({ conversationId, others: [] });
  });

  it('an agent serving the same customer may watch the thread; moving to another thread leaves the first', async () => {
    const { dana, sam, conversationId } = await setUp();
    const danaSees = watch(dana);
    await view(dana, conversationId);
    expect(await view(sam, conversationId, true)).toEqual({ ok: true });
    await expect.poll(() => danaSees.at(-1)?.others).toEqual([{ agentId: 'sam', name: 'Sam', typing: true }]);
    const { rows } = await t.db.query<{ id: string }>("select id from conversations where assigned_agent_id = 'sam'");
    expect(await view(sam, rows[0]!.id)).toEqual({ ok: true });
    await expect.poll(() => danaSees.at(-1)).toEqual({ conversationId, others: [] });
  });

  it('an agent with no tie to the customer is refused and nobody is told they looked', async () => {
    const { dana, conversationId } = await setUp();
    const danaSees = watch(dana);
    await view(dana, conversationId);
    await expect.poll(() => danaSees.length).toBe(1);
    const stranger = await t.connect('stranger');
    const answer = await view(stranger, conversationId, true);
    expect(SocketErrorSchema.parse(answer).error.code).toBe('forbidden');
    // A conversation that does not exist gets the same answer: it reveals nothing.
    expect(SocketErrorSchema.parse(await view(stranger, 'no-such-conversation')).error.code).toBe('forbidden');
    const lee = await t.connect('lee');
    expect(SocketErrorSchema.parse(await view(lee, 'no-such-conversation')).error.code).toBe('not_found');
    // The refusals arrived in order after Dana's view: had they been let in, she would know by now.
    await view(dana, conversationId, true);
    expect(danaSees).toEqual([{ conversationId, others: [] }]);
    expect(stranger.socket.connected).toBe(true);
  });

  it('a malformed viewing event gets an error answer and the socket stays up', async () => {
    const { dana, conversationId } = await setUp();
    const malformed: unknown[] = [
      undefined,
      null,
      '',
      42,
      { conversationId },
      { conversationId: 7, typing: false },
      { conversationId, typing: 'yes' },
      { conversationId: '', typing: false },
      { conversationId: 'x'.repeat(201), typing: false },
      { conversationId, typing: false, extra: true },
      [conversationId, false],
    ];
    for (const payload of malformed) {
      const answer: unknown = await dana.socket.timeout(5_000).emitWithAck('viewing', payload);
      expect(SocketErrorSchema.parse(answer).error.code, JSON.stringify(payload)).toBe('invalid_viewing');
    }
    // Without an acknowledgement it is ignored, like every other event.
    dana.socket.emit('viewing', { conversationId, typing: false });
    expect(await view(dana, conversationId)).toEqual({ ok: true });
    expect(dana.socket.connected).toBe(true);
  });
});
