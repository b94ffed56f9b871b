import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, type TestClient, type TestServer } from '../../testing/testServer';
import { deliverWebhook } from '../channelIntegrationKit';

const CTI_TOKEN = 'integration-cti-token-0123456789';

/** A whole phone call through the backend: webhook → voice offer → accept → transcript → wrap-up. */
describe.each(DB_KINDS)('a phone call over CTI on %s', (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  let serial = 0;
  const post = (callId: string, type: string, extra: Record<string, unknown> = {}, token = CTI_TOKEN) => {
    const event = {
      eventId: `${callId}-${++serial}`,
      callId,
      type,
      occurredAt: new Date(t.clock.now()).toISOString(),
      from: '+14155550123',
      callerName: 'Maya Lopez',
      ...extra,
    };
    const headers = { 'content-type': 'application/json', authorization: `Bearer ${token}` };
    return deliverWebhook(t, '/webhooks/cti', JSON.stringify(event), headers);
  };
  const conversationOf = async (callId: string) =>
    (
      await t.db.query<{ id: string; status: string; assigned_agent_id: string | null }>(
        "select id, status, assigned_agent_id from conversations where channel = 'voice' and thread_key = $1",
        [callId],
      )
    ).rows[0]!;
  const pushedTo = (client: TestClient, entity: string, id: string) =>
    client.pushes.flatMap((p) => p.changes).filter((c) => c.entity === entity && c.id === id);

  it(
    'is offered to the available agent with the accept timeout, accepted, transcribed in order, then wrapped up',
    { timeout: 60_000 },
    async () => {
      t = await startTestServer(kind, { CTI_TOKEN });
      await t.addAgent({ id: 'dana', name: 'Dana Reyes' });
      const dana = await t.connect('dana');
      expect((await dana.op('presence.set', { presence: 'available' })).status).toBe('applied');
      await t.settle();

      expect((await post('CA-100', 'call.offered', {}, 'wrong-token-0123456789')).status).toBe(401);
      expect((await post('CA-100', 'call.offered', { to: '+18005550100' })).status).toBe(200);
      const call = await conversationOf('CA-100');
      expect(call).toMatchObject({ status: 'offered', assigned_agent_id: 'dana' });
      const { rows: offers } = await t.db.query<{ id: string; status: string; expires_at: Date }>(
        'select id, status, expires_at from offers where conversation_id = $1',
        [call.id],
      );
      expect(offers).toHaveLength(1);
      // The deployment's accept timeout (SWITCHBOARD_OFFER_SECONDS, 20 s by default).
      expect(offers[0]!.expires_at.getTime() - t.clock.now()).toBe(20_000);
      expect(pushedTo(dana, 'offer', offers[0]!.id).at(-1)?.data).toMatchObject({ status: 'pending' });

      t.clock.advance(6000);
      expect((await dana.op('offer.accept', { conversationId: call.id })).status).toBe('applied');
      t.clock.advance(1000);
      await post('CA-100', 'call.answered');
      const lines: [string, string][] = [
        ['agent', 'Skyward Air, Dana speaking.'],
        ['customer', 'My bag never arrived.'],
        ['agent', 'Let me find it for you.'],
      ];
      let offset = 0;
      for (const [speaker, text] of lines) {
        t.clock.advance(4000);
        const segment = { speaker, text, startMs: offset, endMs: offset + 3000 };
        offset += 4000;
        expect((await post('CA-100', 'transcript.segment', { segment })).status).toBe(200);
      }
      t.clock.advance(30_000);
      expect((await post('CA-100', 'call.ended')).status).toBe(200);

      expect(await conversationOf('CA-100')).toMatchObject({ status: 'wrap_up', assigned_agent_id: 'dana' });
      const { rows: transcript } = await t.db.query<{ speaker: string; body: string; direction: string }>(
        'select speaker, body, direction from messages where conversation_id = $1 order by created_at, id',
        [call.id],
      );
      expect(transcript.map((m) => [m.direction, m.speaker, m.body])).toEqual([
        ['transcript', 'system', 'Incoming call from Maya Lopez (+14155550123) to +18005550100'],
        ['transcript', 'system', 'Call answered by Dana Reyes after 7 s'],
        ['transcript', 'agent', 'Skyward Air, Dana speaking.'],
        ['transcript', 'customer', 'My bag never arrived.'],
        ['transcript', 'agent', 'Let me find it for you.'],
        ['transcript', 'system', 'Call ended after 42 s'],
      ]);
      // Dana's client got every line and the wrap-up as they happened.
      const messages = dana.pushes.flatMap((p) => p.changes).filter((c) => c.entity === 'message');
      expect(messages.map((m) => m.data?.body)).toEqual(expect.arrayContaining(transcript.map((m) => m.body)));
      expect(pushedTo(dana, 'conversation', call.id).at(-1)?.data).toMatchObject({ status: 'wrap_up' });
      const { rows: timeline } = await t.db.query<{ type: string }>(
        'select type from call_events where call_id = $1 order by occurred_at, received_at',
        ['CA-100'],
      );
      expect(timeline.map((e) => e.type)).toEqual([
        'call.offered',
        'call.answered',
        'transcript.segment',
        'transcript.segment',
        'transcript.segment',
        'call.ended',
      ]);

      // After-call work: Dana picks the outcome and resolves; the next call rings for her.
      const wrapped = await dana.op('conversation.wrap_up', {
        conversationId: call.id,
        disposition: 'information_given',
      });
      expect(wrapped.status).toBe('applied');
      expect((await dana.op('conversation.resolve', { conversationId: call.id })).status).toBe('applied');
      await t.settle();
      await post('CA-101', 'call.offered');
      expect(await conversationOf('CA-101')).toMatchObject({ status: 'offered', assigned_agent_id: 'dana' });
    },
  );

  it('goes back to the queue when the agent lets it ring past the accept timeout', { timeout: 60_000 }, async () => {
    t = await startTestServer(kind, { CTI_TOKEN });
    await t.addAgent({ id: 'dana', name: 'Dana Reyes' });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    await post('CA-200', 'call.offered');
    expect(await conversationOf('CA-200')).toMatchObject({ status: 'offered', assigned_agent_id: 'dana' });
    t.clock.advance(21_000);
    await t.tick();
    expect(await conversationOf('CA-200')).toMatchObject({ status: 'queued', assigned_agent_id: null });
    // The caller gives up while waiting: the call leaves the queue, resolved as abandoned.
    t.clock.advance(10_000);
    await post('CA-200', 'call.ended');
    expect(await conversationOf('CA-200')).toMatchObject({ status: 'resolved', assigned_agent_id: null });
  });
});
