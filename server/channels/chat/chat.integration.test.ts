import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../../testing/testDatabase';
import { startTestServer, type TestServer } from '../../testing/testServer';
import { nextEvent } from './chatTestKit';
import type { AgentMessage, HistoryAck, MessageAck } from './visitorProtocol';

const MAYA = { visitorId: 'a3c5e7f9-1b2d-4f60-8a1c-2e3d4f5a6b7c', name: 'Maya Lopez', email: 'maya@example.com' };

/** A web chat through the backend: widget socket → routed chat → agent's reply op → the visitor's tab. */
describe.each(DB_KINDS)('web chat on %s', (kind) => {
  let t: TestServer;
  const visitors: Socket[] = [];
  afterEach(async () => {
    for (const v of visitors.splice(0)) v.close();
    await t?.close();
  }, 30_000);

  const visitor = async () => {
    const socket = io(`${t.url}/chat`, { auth: MAYA, transports: ['websocket'], forceNew: true, reconnection: false });
    visitors.push(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('connect_error', reject);
    });
    return socket;
  };

  it(
    'routes the visitor’s message to the agent, relays typing both ways, and delivers the agent’s reply',
    { timeout: 60_000 },
    async () => {
      t = await startTestServer(kind);
      await t.addAgent({ id: 'dana', name: 'Dana Reyes' });
      const dana = await t.connect('dana');
      await dana.op('presence.set', { presence: 'available' });
      await t.settle();

      const maya = await visitor();
      const ack = (await maya.timeout(5000).emitWithAck('message', {
        clientMessageId: 'c-1',
        text: 'Is SK 210 on time?',
      })) as MessageAck;
      expect(ack).toMatchObject({ ok: true });
      await t.settle();
      const { rows } = await t.db.query<{ id: string; status: string; assigned_agent_id: string }>(
        "select id, status, assigned_agent_id from conversations where channel = 'chat' and thread_key = $1",
        [MAYA.visitorId],
      );
      const chat = rows[0]!;
      expect(chat).toMatchObject({ status: 'assigned', assigned_agent_id: 'dana' });
      expect(dana.pushes.flatMap((p) => p.changes).some((c) => c.entity === 'conversation' && c.id === chat.id)).toBe(
        true,
      );

      const typing = nextEvent(dana.socket, 'customer_typing');
      maya.emit('typing', { typing: true });
      expect(await typing).toEqual({ conversationId: chat.id, typing: true });
      const agentTyping = nextEvent(maya, 'agent_typing');
      await dana.socket.timeout(5000).emitWithAck('viewing', { conversationId: chat.id, typing: true });
      expect(await agentTyping).toEqual({ typing: true, agentName: 'Dana' });

      t.clock.advance(20_000);
      const reply = nextEvent<AgentMessage>(maya, 'message');
      const messageId = crypto.randomUUID();
      const sent = await dana.op('conversation.reply', {
        conversationId: chat.id,
        messageId,
        body: 'Yes, SK 210 leaves on time from gate B4.',
        visibility: 'private',
      });
      expect(sent.status).toBe('applied');
      expect(await reply).toMatchObject({
        messageId,
        text: 'Yes, SK 210 leaves on time from gate B4.',
        agentName: 'Dana',
      });
      await t.server.channels.dispatcher.flush();
      const { rows: stored } = await t.db.query<{
        delivery_status: string;
        provider: string;
        provider_message_id: string;
      }>('select delivery_status, provider, provider_message_id from messages where id = $1', [messageId]);
      expect(stored).toEqual([{ delivery_status: 'sent', provider: 'chat', provider_message_id: messageId }]);

      // A reload shows the whole chat.
      maya.close();
      const again = await visitor();
      const history = (await again.timeout(5000).emitWithAck('history', {})) as HistoryAck;
      expect(history.ok && history.messages.map((m) => [m.from, m.text])).toEqual([
        ['visitor', 'Is SK 210 on time?'],
        ['agent', 'Yes, SK 210 leaves on time from gate B4.'],
      ]);
      expect(t.server.channels.health.status('chat')).toMatchObject({ events: 1, sent: 1, status: 'connected' });

      // The backend serves the widget, its demo page and the socket.io client the widget loads.
      for (const [path, type] of [
        ['/chat/widget.js', 'text/javascript; charset=utf-8'],
        ['/chat/demo', 'text/html; charset=utf-8'],
        ['/socket.io/socket.io.js', 'application/javascript; charset=utf-8'],
      ]) {
        const response = await fetch(`${t.url}${path}`);
        expect(response.status, path).toBe(200);
        expect(response.headers.get('content-type'), path).toBe(type);
        // Read to the end, or the unread body keeps the connection busy and shutdown waits for it.
        expect((await response.text()).length, path).toBeGreaterThan(500);
      }
    },
  );
});
