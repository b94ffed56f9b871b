import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { callEvent, startCtiTestApp, type CtiTestApp } from './ctiTestKit';

let t: CtiTestApp;
beforeEach(async () => {
  t = await startCtiTestApp();
}, 60_000);
afterEach(async () => {
  await t.close();
});

const count = async (sql: string, params: unknown[] = []) =>
  (await t.db.query<{ n: number }>(`select count(*)::int as n from ${sql}`, params)).rows[0]!.n;

async function transcript(callId: string) {
  const { rows } = await t.db.query<{
    speaker: string;
    body: string;
    direction: string;
    meta: Record<string, unknown>;
  }>(
    `select m.speaker, m.body, m.direction, m.meta from messages m join conversations c on c.id = m.conversation_id
     where c.channel = 'voice' and c.thread_key = $1 order by m.created_at, m.id`,
    [callId],
  );
  return rows;
}

async function conversationOf(callId: string) {
  const { rows } = await t.db.query<{
    id: string;
    status: string;
    assigned_agent_id: string | null;
    first_response_at: Date | null;
  }>("select * from conversations where channel = 'voice' and thread_key = $1", [callId]);
  return rows[0];
}

async function addAgent(id: string) {
  await t.db.query(
    `insert into agents (id, email, name, role, team_id, password_hash, skills, capacity, idle_since)
     values ($1, $2, $3, 'agent', null, 'x', '{"voice":3}', '{"voice":1,"chat":3,"social":3,"email":5}', now())`,
    [id, `${id}@test.example`, id === 'dana' ? 'Dana Reyes' : id],
  );
}

const at = (seconds: number) => new Date(Date.parse('2026-03-02T10:00:00Z') + seconds * 1000).toISOString();

describe('POST /webhooks/cti', () => {
  it('refuses a missing or wrong token with 401, counts it as an auth failure and stores nothing', async () => {
    const missing = await t.post(callEvent('CA-auth', 'call.offered'), { token: null });
    const wrong = await t.post(callEvent('CA-auth', 'call.offered'), { token: 'not-the-token-0123456789' });
    const basic = await t.app.inject({
      method: 'POST',
      url: '/webhooks/cti',
      headers: { 'content-type': 'application/json', authorization: 'Basic dXNlcjpwYXNz' },
      payload: JSON.stringify(callEvent('CA-auth', 'call.offered')),
    });
    for (const response of [missing, wrong, basic]) {
      expect(response.statusCode).toBe(401);
      expect(response.json()).toMatchObject({ error: { code: 'unauthorized' } });
    }
    expect(missing.json<{ error: { message: string } }>().error.message).toContain('CTI_TOKEN');
    expect(t.health.status('cti')).toMatchObject({ authFailures: 3, events: 0, status: 'failing' });
    expect(t.batches).toHaveLength(0);
    expect(await count('call_events')).toBe(0);
    expect(await count('messages')).toBe(0);
  });

  it('answers 400 with the reason for a body that is not JSON or not a call event, and counts it', async () => {
    const notJson = await t.post('{"eventId": ');
    expect(notJson.statusCode).toBe(400);
    expect(notJson.json<{ error: { message: string } }>().error.message).toBe(
      'The body is not JSON: post one call event as a JSON object.',
    );
    const badPhone = await t.post(callEvent('CA-bad', 'call.offered', { from: '0415 555 0123' }));
    expect(badPhone.statusCode).toBe(400);
    expect(badPhone.json<{ error: { message: string } }>().error.message).toContain(
      'from: a phone number in E.164 form',
    );
    const noSegment = await t.post(callEvent('CA-bad', 'transcript.segment'));
    expect(noSegment.json<{ error: { message: string } }>().error.message).toContain(
      'segment: a transcript.segment event carries its segment',
    );
    const badType = await t.post(callEvent('CA-bad', 'call.ringing'));
    expect(badType.json<{ error: { message: string } }>().error.message).toContain('type:');
    expect(t.health.status('cti').malformed).toBe(4);
    expect(await count('call_events')).toBe(0);
  });

  it('applies a redelivered event once: one timeline row, one transcript line, the second answered as a duplicate', async () => {
    const event = callEvent('CA-redeliver', 'call.offered', { callerName: 'Maya Lopez' });
    const first = await t.post(event);
    const second = await t.post(event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(second.statusCode).toBe(200);
    expect(second.json()).toEqual({ received: 1, accepted: 0, duplicates: 1 });
    expect(await count('call_events where event_id = $1', [event.eventId])).toBe(1);
    expect(await count('messages')).toBe(1);
    expect(t.health.status('cti')).toMatchObject({ events: 2, status: 'connected' });
  });

  it('opens a voice conversation for an offered call, with the caller as a phone identity', async () => {
    const offered = callEvent('CA-open', 'call.offered', { callerName: 'Maya Lopez', to: '+18005550100' });
    expect((await t.post(offered)).statusCode).toBe(200);
    const [interaction] = t.batches[0]!;
    expect(interaction).toMatchObject({
      provider: 'cti',
      providerMessageId: offered.eventId,
      channel: 'voice',
      threadKey: 'CA-open',
      kind: 'transcript',
      speaker: 'system',
      author: { kind: 'phone', value: '+14155550123', displayName: 'Maya Lopez' },
      text: 'Incoming call from Maya Lopez (+14155550123) to +18005550100',
      meta: {
        callId: 'CA-open',
        eventId: offered.eventId,
        event: 'call.offered',
        from: '+14155550123',
        to: '+18005550100',
      },
    });
    expect(await conversationOf('CA-open')).toMatchObject({ status: 'queued' });
    const { rows } = await t.db.query<{ kind: string; value: string; display_name: string }>(
      'select kind, value, display_name from identities',
    );
    expect(rows).toEqual([{ kind: 'phone', value: '+14155550123', display_name: 'Maya Lopez' }]);
    const { rows: timeline } = await t.db.query<{ call_id: string; type: string; conversation_id: string }>(
      'select call_id, type, conversation_id from call_events',
    );
    expect(timeline).toEqual([
      { call_id: 'CA-open', type: 'call.offered', conversation_id: (await conversationOf('CA-open'))!.id },
    ]);
  });

  it('keeps the call’s course as transcript lines in order: segments with speakers, hold, transfer, durations', async () => {
    const call = 'CA-course';
    const events = [
      callEvent(call, 'call.offered', { occurredAt: at(0) }),
      callEvent(call, 'call.answered', { occurredAt: at(14) }),
      callEvent(call, 'transcript.segment', {
        occurredAt: at(16),
        segment: { speaker: 'agent', text: 'Skyward Air, Dana speaking.', startMs: 1000, endMs: 2600 },
      }),
      callEvent(call, 'transcript.segment', {
        occurredAt: at(21),
        segment: { speaker: 'customer', text: 'My bag never arrived.', startMs: 5200, endMs: 7000 },
      }),
      callEvent(call, 'call.held', { occurredAt: at(30) }),
      callEvent(call, 'call.resumed', { occurredAt: at(95) }),
      callEvent(call, 'call.transferred', { occurredAt: at(120), transferTarget: 'Baggage queue' }),
      callEvent(call, 'call.ended', { occurredAt: at(266) }),
    ];
    for (const event of events) expect((await t.post(event)).statusCode).toBe(200);
    expect((await transcript(call)).map((m) => [m.direction, m.speaker, m.body])).toEqual([
      ['transcript', 'system', 'Incoming call from +14155550123'],
      ['transcript', 'system', 'Call answered after 14 s'],
      ['transcript', 'agent', 'Skyward Air, Dana speaking.'],
      ['transcript', 'customer', 'My bag never arrived.'],
      ['transcript', 'system', 'Call on hold'],
      ['transcript', 'system', 'Call resumed after 1 min 5 s on hold'],
      ['transcript', 'system', 'Transferred to Baggage queue'],
      ['transcript', 'system', 'Call ended after 4 min 12 s'],
    ]);
    expect((await transcript(call))[3]!.meta).toMatchObject({
      startMs: 5200,
      endMs: 7000,
      event: 'transcript.segment',
    });
    expect(await count('call_events where call_id = $1', [call])).toBe(8);
    // The pick-up is the call's first response: no first-response SLA breach for an answered call.
    expect((await conversationOf(call))!.first_response_at?.toISOString()).toBe(at(14));
  });

  it('moves an assigned call to wrap-up when it ends, and frees its agent’s voice capacity', async () => {
    await addAgent('dana');
    await t.post(callEvent('CA-wrap', 'call.offered', { occurredAt: at(0) }));
    const conversation = (await conversationOf('CA-wrap'))!;
    await t.db.query("update conversations set status = 'assigned', assigned_agent_id = 'dana' where id = $1", [
      conversation.id,
    ]);
    await t.post(callEvent('CA-wrap', 'call.answered', { occurredAt: at(5) }));
    t.pushed.length = 0;
    const ended = callEvent('CA-wrap', 'call.ended', { occurredAt: at(65) });
    expect((await t.post(ended)).statusCode).toBe(200);
    expect(await conversationOf('CA-wrap')).toMatchObject({ status: 'wrap_up', assigned_agent_id: 'dana' });
    expect(t.freed).toEqual(['dana']);
    const pushed = t.pushed.filter((p) => p.change.entity === 'conversation' && p.change.data?.status === 'wrap_up');
    expect(pushed).toHaveLength(1);
    expect(pushed[0]!.audience).toMatchObject({ agentId: 'dana' });
    expect((await transcript('CA-wrap')).at(-1)!.body).toBe('Call ended after 1 min');
    // A redelivered end changes nothing more.
    await t.post(ended);
    expect(t.freed).toEqual(['dana']);
  });

  it('resolves a call the caller hung up on before anyone answered, withdrawing its offer', async () => {
    await addAgent('sam');
    await t.post(callEvent('CA-ring', 'call.offered', { occurredAt: at(0) }));
    const conversation = (await conversationOf('CA-ring'))!;
    await t.db.query("update conversations set status = 'offered', assigned_agent_id = 'sam' where id = $1", [
      conversation.id,
    ]);
    await t.db.query(
      "insert into offers (id, conversation_id, agent_id, status, expires_at) values ('o1', $1, 'sam', 'pending', now() + interval '20 seconds')",
      [conversation.id],
    );
    t.pushed.length = 0;
    await t.post(callEvent('CA-ring', 'call.ended', { occurredAt: at(45) }));
    expect(await conversationOf('CA-ring')).toMatchObject({ status: 'resolved', assigned_agent_id: null });
    expect((await t.db.query<{ status: string }>("select status from offers where id = 'o1'")).rows[0]!.status).toBe(
      'withdrawn',
    );
    expect(t.freed).toEqual(['sam']);
    expect((await transcript('CA-ring')).at(-1)!.body).toBe('Caller hung up after 45 s, before anyone answered');
    // Sam sees the hang-up line, then loses the offer and the conversation.
    const toSam = t.pushed
      .filter((p) => p.audience.agentId === 'sam')
      .map((p) => [p.change.entity, p.change.data?.status ?? p.change.data?.body ?? null]);
    expect(toSam).toEqual([
      ['conversation', 'offered'],
      ['message', 'Caller hung up after 45 s, before anyone answered'],
      ['offer', 'withdrawn'],
      ['conversation', null],
    ]);
  });

  it('files a segment delivered after the call was resolved on that call, without reopening it', async () => {
    await t.post(callEvent('CA-late', 'call.offered', { occurredAt: at(0) }));
    await t.post(callEvent('CA-late', 'call.ended', { occurredAt: at(20) }));
    expect(await conversationOf('CA-late')).toMatchObject({ status: 'resolved' });
    const late = callEvent('CA-late', 'transcript.segment', {
      occurredAt: at(25),
      segment: { speaker: 'customer', text: 'Hello? Anyone there?', startMs: 0, endMs: 1500 },
    });
    const answer = await t.post(late);
    expect(answer.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(await conversationOf('CA-late')).toMatchObject({ status: 'resolved' });
    expect((await transcript('CA-late')).map((m) => m.body)).toEqual([
      'Incoming call from +14155550123',
      'Caller hung up after 20 s, before anyone answered',
      'Hello? Anyone there?',
    ]);
    await t.post(late);
    expect(await count('messages')).toBe(3);
  });

  it('keeps the end of a call it never saw on the record only: no conversation is opened for it', async () => {
    const ended = callEvent('CA-unknown', 'call.ended');
    expect((await t.post(ended)).statusCode).toBe(200);
    expect(await count('conversations')).toBe(0);
    expect(await count('call_events where call_id = $1', ['CA-unknown'])).toBe(1);
  });

  it('answers 429 while the server sheds load and records nothing, so the redelivery is applied in full', async () => {
    const offered = callEvent('CA-busy', 'call.offered');
    t.nextOutcome = { status: 'overloaded' };
    const busy = await t.post(offered);
    expect(busy.statusCode).toBe(429);
    expect(busy.headers['retry-after']).toBe('1');
    expect(await count('call_events')).toBe(0);
    const again = await t.post(offered);
    expect(again.json()).toEqual({ received: 1, accepted: 1, duplicates: 0 });
    expect(await count('call_events')).toBe(1);
    expect(await count('messages')).toBe(1);
  });

  it('stores a caller name with a NUL or a lone surrogate, shown as U+FFFD', async () => {
    const response = await t.post(callEvent('CA-odd', 'call.offered', { callerName: 'Ma\u0000ya \ud800' }));
    expect(response.statusCode).toBe(200);
    expect((await transcript('CA-odd'))[0]!.body).toBe('Incoming call from Ma\uFFFDya \uFFFD (+14155550123)');
  });
});
