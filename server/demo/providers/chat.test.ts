import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startChatTestApp, type ChatTestApp } from '../../channels/chat/chatTestKit';
import { chatSessions, demoVisitorId, playChatSession } from './chat';
import { generatedThreads } from './generatedThreads';

let t: ChatTestApp;
beforeAll(async () => {
  t = await startChatTestApp();
}, 60_000);
afterAll(async () => {
  await t.close();
});

/** The generator's chat interactions of its first `sessions` chat sessions. */
const generatedChats = (sessions: number) => generatedThreads(7, 'chat', sessions);

describe('chat simulator encoder', () => {
  it('maps each generator visitor to one stable UUID, as the widget keeps one per browser', () => {
    expect(demoVisitorId('v_1234560001abcd')).toBe(demoVisitorId('v_1234560001abcd'));
    expect(demoVisitorId('v_1234560001abcd')).not.toBe(demoVisitorId('v_1234560002abcd'));
    expect(demoVisitorId('v_1234560001abcd')).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/,
    );
  });

  it(
    'round trip: generator → visitor sessions on /chat → the same visitors, lines and threads',
    { timeout: 120_000 },
    async () => {
      const chats = generatedChats(4);
      const sessions = chatSessions(chats);
      expect(sessions).toHaveLength(new Set(chats.map((i) => i.threadKey)).size);
      for (const session of sessions) {
        const answers = await playChatSession(session, { baseUrl: t.url, gapMs: 0 });
        expect(
          answers.every((a) => a.ok),
          JSON.stringify(answers),
        ).toBe(true);
      }
      const ingested = t.batches.flat();
      expect(ingested).toHaveLength(chats.length);
      for (const [i, generated] of chats.entries()) {
        const received = ingested[i]!;
        expect(received).toMatchObject({
          channel: 'chat',
          kind: 'message',
          text: generated.text,
          author: {
            kind: 'chat_visitor',
            value: demoVisitorId(generated.author.value),
            displayName: generated.author.displayName ?? 'Visitor',
          },
          threadKey: demoVisitorId(generated.author.value),
        });
      }
      // Lines of one generator session share one thread; different visitors never share one.
      const threadOf = new Map<string, string>();
      for (const [i, generated] of chats.entries()) {
        const thread = ingested[i]!.threadKey;
        expect(threadOf.get(generated.threadKey) ?? thread).toBe(thread);
        threadOf.set(generated.threadKey, thread);
      }
      const visitors = new Set(chats.map((c) => c.author.value));
      expect(new Set(ingested.map((i) => i.threadKey)).size).toBe(visitors.size);
      const { rows } = await t.db.query<{ n: number }>(
        "select count(*)::int as n from conversations where channel = 'chat'",
      );
      expect(rows[0]!.n).toBe(visitors.size);
    },
  );
});
