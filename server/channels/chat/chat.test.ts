import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MessageRow } from '../../store/rows';
import { queueDelivery } from '../outbound/deliveries';
import { startDispatcher } from '../outbound/dispatcher';
import { nextEvent, startChatTestApp, type ChatTestApp } from './chatTestKit';
import type { AgentMessage, HistoryAck, MessageAck } from './visitorProtocol';

let t: ChatTestApp;
beforeEach(async () => {
  t = await startChatTestApp();
}, 60_000);
afterEach(async () => {
  await t.close();
});

const MAYA = { visitorId: '6f1c1f55-3a53-4bd6-9a43-5b8d2f0d7c11', name: 'Maya Lopez', email: 'Maya@Example.com' };

const say = (socket: Awaited<ReturnType<ChatTestApp['visitor']>>, clientMessageId: string, text: string) =>
  socket.timeout(5000).emitWithAck('message', { clientMessageId, text }) as Promise<MessageAck>;

const history = (socket: Awaited<ReturnType<ChatTestApp['visitor']>>) =>
  socket.timeout(5000).emitWithAck('history', {}) as Promise<HistoryAck>;

async function chatConversation(visitorId: string) {
  const { rows } = await t.db.query<{ id: string; status: string; channel: string; customer_id: string }>(
    "select * from conversations where channel = 'chat' and thread_key = $1",
    [visitorId],
  );
  return rows[0]!;
}

/** Dana answers: the reply op's rows (message + delivery), then the dispatcher sends it. */
async function agentReplies(conversationId: string, body: string): Promise<string> {
  const id = crypto.randomUUID();
  await t.db.transaction(async (tx) => {
    const { rows } = await tx.query<MessageRow>(
      `insert into messages (id, conversation_id, direction, visibility, author_agent_id, body, created_at)
       values ($1, $2, 'outbound', 'private', 'dana', $3, $4) returning *`,
      [id, conversationId, body, new Date(t.clock.ms)],
    );
    await queueDelivery(tx, rows[0]!, 'chat', new Date(t.clock.ms));
  });
  const dispatcher = startDispatcher({
    db: t.db,
    senders: [t.sender],
    health: t.health,
    push: () => undefined,
    now: () => t.clock.ms,
    log: t.app.log,
    intervalMs: 60_000,
  });
  await dispatcher.flush();
  await dispatcher.stop();
  return id;
}

describe('web chat: visitors on /chat', () => {
  it('files a visitor’s message as their one chat conversation, and a resend as the same message', async () => {
    const maya = await t.visitor(MAYA);
    const first = await say(maya, 'c-1', 'Hi, is my flight SK 210 on time?');
    expect(first).toEqual({ ok: true, messageId: expect.any(String) as string });
    expect(t.batches[0]![0]).toEqual({
      provider: 'chat',
      providerMessageId: `${MAYA.visitorId}:c-1`,
      channel: 'chat',
      threadKey: MAYA.visitorId,
      kind: 'message',
      author: { kind: 'chat_visitor', value: MAYA.visitorId, displayName: 'Maya Lopez' },
      text: 'Hi, is my flight SK 210 on time?',
      occurredAt: new Date(t.clock.ms).toISOString(),
      meta: { visitorId: MAYA.visitorId, email: 'maya@example.com' },
    });
    const resend = await say(maya, 'c-1', 'Hi, is my flight SK 210 on time?');
    expect(resend).toEqual(first);
    await say(maya, 'c-2', 'Booking ABC123.');
    const conversation = await chatConversation(MAYA.visitorId);
    expect(conversation.status).toBe('queued');
    const { rows } = await t.db.query<{ n: number }>(
      'select count(*)::int as n from messages where conversation_id = $1',
      [conversation.id],
    );
    expect(rows[0]!.n).toBe(2);
    expect(t.health.status('chat')).toMatchObject({ events: 3, status: 'connected' });
  });

  it('delivers the assigned agent’s reply to every open tab of the visitor, threaded by its message id', async () => {
    await t.addAgent('dana', 'Dana Reyes');
    const tab1 = await t.visitor(MAYA);
    const tab2 = await t.visitor(MAYA);
    const other = await t.visitor({ ...MAYA, visitorId: crypto.randomUUID(), name: 'Sam' });
    let otherGotIt = false;
    other.on('message', () => (otherGotIt = true));
    await say(tab1, 'c-1', 'Can I bring a guitar on board?');
    const conversation = await chatConversation(MAYA.visitorId);
    await t.db.query("update conversations set status = 'assigned', assigned_agent_id = 'dana' where id = $1", [
      conversation.id,
    ]);
    const received = Promise.all([nextEvent<AgentMessage>(tab1, 'message'), nextEvent<AgentMessage>(tab2, 'message')]);
    const replyId = await agentReplies(conversation.id, 'Yes <b>as cabin baggage</b> if it fits the overhead bin.');
    const [one, two] = await received;
    expect(one).toEqual({
      messageId: replyId,
      text: 'Yes <b>as cabin baggage</b> if it fits the overhead bin.',
      agentName: 'Dana',
      at: new Date(t.clock.ms).toISOString(),
    });
    expect(two).toEqual(one);
    const { rows } = await t.db.query<{ status: string; provider_message_id: string }>(
      'select status, provider_message_id from deliveries where message_id = $1',
      [replyId],
    );
    expect(rows).toEqual([{ status: 'sent', provider_message_id: replyId }]);
    const { rows: message } = await t.db.query<{ provider: string; delivery_status: string }>(
      'select provider, delivery_status from messages where id = $1',
      [replyId],
    );
    expect(message).toEqual([{ provider: 'chat', delivery_status: 'sent' }]);
    expect(otherGotIt).toBe(false);
  });

  it('shows the open conversation again after a reconnect, replies sent while offline included', async () => {
    await t.addAgent('dana', 'Dana Reyes');
    const before = await t.visitor(MAYA);
    expect(await history(before)).toEqual({ ok: true, conversationId: null, messages: [] });
    await say(before, 'c-1', 'My bag did not arrive.');
    t.clock.ms += 1000;
    await say(before, 'c-2', 'Flight SK 210.');
    before.close();
    const conversation = await chatConversation(MAYA.visitorId);
    await t.db.query("update conversations set status = 'assigned', assigned_agent_id = 'dana' where id = $1", [
      conversation.id,
    ]);
    t.clock.ms += 1000;
    const replyId = await agentReplies(conversation.id, 'I have found it: it arrives tonight.');
    await t.db.query(
      "insert into messages (id, conversation_id, direction, visibility, author_agent_id, body, created_at) values ($1, $2, 'note', 'private', 'dana', 'internal: courier booked', $3)",
      [crypto.randomUUID(), conversation.id, new Date(t.clock.ms + 1000)],
    );

    const after = await t.visitor(MAYA);
    const answer = await history(after);
    expect(answer.ok && answer.conversationId).toBe(conversation.id);
    expect(
      answer.ok &&
        answer.messages.map(({ from, text, clientMessageId, agentName }) => ({
          from,
          text,
          clientMessageId,
          agentName,
        })),
    ).toEqual([
      { from: 'visitor', text: 'My bag did not arrive.', clientMessageId: 'c-1', agentName: undefined },
      { from: 'visitor', text: 'Flight SK 210.', clientMessageId: 'c-2', agentName: undefined },
      { from: 'agent', text: 'I have found it: it arrives tonight.', clientMessageId: undefined, agentName: 'Dana' },
    ]);
    expect(answer.ok && answer.messages[2]!.messageId).toBe(replyId);

    // Once resolved, the next visit starts a fresh chat.
    await t.db.query("update conversations set status = 'resolved' where id = $1", [conversation.id]);
    expect(await history(after)).toEqual({ ok: true, conversationId: null, messages: [] });
  });

  it('tells the assigned agent when the visitor types, and the visitor when that agent types', async () => {
    await t.addAgent('dana', 'Dana Reyes');
    const maya = await t.visitor(MAYA);
    await say(maya, 'c-1', 'Hello?');
    const conversation = await chatConversation(MAYA.visitorId);
    await t.db.query("update conversations set status = 'assigned', assigned_agent_id = 'dana' where id = $1", [
      conversation.id,
    ]);
    const dana = await t.agent('dana');
    const sam = await t.agent('sam');
    let samSaw = false;
    sam.on('customer_typing', () => (samSaw = true));

    const typing = nextEvent<unknown>(dana, 'customer_typing');
    maya.emit('typing', { typing: true });
    expect(await typing).toEqual({ conversationId: conversation.id, typing: true });
    const stopped = nextEvent<unknown>(dana, 'customer_typing');
    maya.emit('typing', { typing: false });
    expect(await stopped).toEqual({ conversationId: conversation.id, typing: false });

    const agentTyping = nextEvent<unknown>(maya, 'agent_typing');
    dana.emit('viewing', { conversationId: conversation.id, typing: true });
    expect(await agentTyping).toEqual({ typing: true, agentName: 'Dana' });
    const agentStopped = nextEvent<unknown>(maya, 'agent_typing');
    dana.emit('viewing', { conversationId: conversation.id, typing: false });
    expect(await agentStopped).toEqual({ typing: false });

    // Another agent looking at (or typing in) the chat is not its agent: the visitor is not told.
    let mayaSawSam = false;
    maya.on('agent_typing', () => (mayaSawSam = true));
    sam.emit('viewing', { conversationId: conversation.id, typing: true });
    maya.emit('typing', { typing: true });
    await nextEvent(dana, 'customer_typing');
    expect(samSaw).toBe(false);
    expect(mayaSawSam).toBe(false);
  });

  it('refuses a handshake without a visitor UUID or a name, saying what to send', async () => {
    for (const auth of [
      {},
      { visitorId: 'not-a-uuid', name: 'Maya' },
      { visitorId: MAYA.visitorId, name: '  ' },
      { ...MAYA, email: 'nope' },
    ]) {
      const error = await t.visitor(auth).then(
        () => null,
        (err: Error & { data?: { code: string; message: string } }) => err,
      );
      expect(error?.message).toBe('invalid_handshake');
      expect(error?.data?.code).toBe('invalid_handshake');
      expect(error?.data?.message).toMatch(
        /^Connect with auth \{ visitorId: the UUID the widget keeps, name: 1–100 characters, email\?: an address \}: /,
      );
    }
    expect(t.health.status('chat').malformed).toBe(4);
  });

  it('answers a malformed message with the reason, and ignores one sent without an acknowledgement', async () => {
    const maya = await t.visitor(MAYA);
    const blank = await say(maya, 'c-1', '   ');
    expect(blank).toEqual({
      ok: false,
      error: 'Not sent: send { clientMessageId, text } (text: some text).',
      retryable: false,
    });
    const long = await say(maya, 'c-2', 'x'.repeat(5001));
    expect(long.ok === false && long.error).toContain('at most 5000 characters');
    maya.emit('message', { clientMessageId: 'c-3', text: 'no ack' });
    expect(await history(maya)).toEqual({ ok: true, conversationId: null, messages: [] });
    expect(t.batches).toHaveLength(0);
  });

  it('limits a visitor to 5 messages a second across their tabs, with a clear error', async () => {
    const tab1 = await t.visitor(MAYA);
    const tab2 = await t.visitor(MAYA);
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => say(i % 2 ? tab2 : tab1, `burst-${i}`, `message ${i}`)),
    );
    const refused = answers.filter((a) => !a.ok);
    expect(answers.filter((a) => a.ok)).toHaveLength(5);
    expect(refused).toHaveLength(3);
    expect(refused[0]).toEqual({
      ok: false,
      error: 'You are sending messages too quickly: wait a second, then send again.',
      retryable: true,
    });
    t.clock.ms += 1000;
    expect(await say(tab1, 'later', 'after a second')).toMatchObject({ ok: true });
  });
});
