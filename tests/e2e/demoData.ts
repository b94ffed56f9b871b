import type { Channel, IdentityKind } from '../../shared/domain';
import type { TestServer } from '../../server/testing/testServer';

/**
 * A small, realistic inbox for the workspace specs and the README screenshots: the demo tenant's
 * airline (Skyward Air) on every async channel, with customer names, and one customer (Elena
 * Rossi) whose earlier email, answered and resolved, is in the journey of her new one.
 */
export interface DemoConversation {
  key: string;
  channel: Channel;
  name: string;
  author: { kind: IdentityKind; value: string; followers?: number };
  subject?: string;
  text: string;
  /** How long ago the customer wrote. */
  minutesAgo: number;
}

const MINUTE = 60_000;

export const ELENA = {
  name: 'Elena Rossi',
  author: { kind: 'email', value: 'elena.rossi@example.com' },
  earlier: {
    subject: 'Lost baggage claim LB-55210',
    text: "My blue suitcase didn't arrive on SW 731 from Milan. The file reference is LB-55210. It has my work laptop charger in it, so I need it back before Monday.",
    reply:
      "Hi Elena, I'm sorry your suitcase didn't make it. I've escalated file LB-55210 to our baggage team in Milan; they will call you within 48 hours with an update. Ann, Skyward Air",
  },
  later: {
    subject: 'Re: Lost baggage claim LB-55210',
    text: "It's been four days and nobody has called. The tracker still says 'tracing'. Can someone please give me an actual update on LB-55210?",
  },
} as const;

export const DEMO_CONVERSATIONS: DemoConversation[] = [
  {
    key: 'maya',
    channel: 'x_public',
    name: 'Maya Okafor',
    author: { kind: 'x_handle', value: '@mayaokafor', followers: 48_200 },
    text: '@SkywardAir you cancelled SW 214 from Lisbon with 40 minutes notice and your rebooking line keeps hanging up on me. Two kids, no hotel. Unbelievable.',
    minutesAgo: 6,
  },
  {
    key: 'jonas',
    channel: 'email',
    name: 'Jonas Weber',
    author: { kind: 'email', value: 'jonas.weber@example.com' },
    subject: 'Refund for booking K7QX2M still missing',
    text: 'Hello, I cancelled booking K7QX2M on 3 March and was promised a refund of EUR 412.60 within 7 days. It has now been five weeks. Could you please tell me when the money will arrive? Kind regards, Jonas Weber',
    minutesAgo: 95,
  },
  {
    key: 'priya',
    channel: 'chat',
    name: 'Priya Nair',
    author: { kind: 'chat_visitor', value: 'visitor-8812' },
    text: "Hi! I can't add my SkyMiles number to booking H4D9PL after check-in, the app just spins. Can you help?",
    minutesAgo: 2,
  },
  {
    key: 'tom',
    channel: 'facebook',
    name: 'Tom Becker',
    author: { kind: 'facebook_id', value: 'fb-100044871' },
    text: 'Shout out to the ground team in Porto, they found my green bag in record time 🙌 Thank you Skyward!',
    minutesAgo: 24,
  },
  {
    key: 'kate',
    channel: 'messenger',
    name: 'Kate Morgan',
    author: { kind: 'facebook_id', value: 'fb-100093215' },
    text: 'Hi, my passport says Katherine but the booking says Kate. Will that be a problem at the gate on Friday?',
    minutesAgo: 12,
  },
];

export interface DemoInbox {
  /** Conversation ids by DemoConversation key, plus `elena` (the open one) and `elenaEarlier`. */
  ids: Record<string, string>;
}

/**
 * Ingests the demo inbox for `agentId` (who must have the skills and capacity for it): the agent
 * goes available over a socket of its own, gets every conversation, and answers and resolves
 * Elena's earlier email before she writes again (sticky routing brings her back to the agent).
 */
export async function seedDemoInbox(server: TestServer, agentId = 'ann'): Promise<DemoInbox> {
  const ids: Record<string, string> = {};
  const now = server.clock.now();
  const at = (minutesAgo: number) => new Date(now - minutesAgo * MINUTE).toISOString();
  const agent = await server.connect(agentId);
  const available = await agent.op('presence.set', { presence: 'available' });
  if (available.status !== 'applied') throw new Error(`presence.set: ${JSON.stringify(available)}`);

  const ingest = async (key: string, interaction: Parameters<TestServer['ingest']>[0]) => {
    const { status, body } = await server.ingest({ provider: 'demo', ...interaction });
    if (status !== 200) throw new Error(`ingest ${key}: ${status} ${JSON.stringify(body)}`);
    ids[key] = String(body.conversationId);
  };

  await ingest('elenaEarlier', {
    channel: 'email',
    threadKey: '<lb-55210@example.com>',
    author: { ...ELENA.author, displayName: ELENA.name },
    subject: ELENA.earlier.subject,
    text: ELENA.earlier.text,
    occurredAt: at(60 * 24 * 6),
  });
  for (const [type, payload] of [
    [
      'conversation.reply',
      {
        conversationId: ids.elenaEarlier,
        messageId: crypto.randomUUID(),
        body: ELENA.earlier.reply,
        visibility: 'private',
      },
    ],
    ['conversation.wrap_up', { conversationId: ids.elenaEarlier, disposition: 'escalated' }],
    ['conversation.resolve', { conversationId: ids.elenaEarlier }],
  ] as const) {
    const result = await agent.op(type, payload);
    if (result.status !== 'applied') throw new Error(`${type}: ${JSON.stringify(result)}`);
  }

  for (const c of DEMO_CONVERSATIONS) {
    await ingest(c.key, {
      channel: c.channel,
      threadKey: `demo-${c.key}`,
      author: { ...c.author, displayName: c.name },
      ...(c.subject ? { subject: c.subject } : {}),
      text: c.text,
      occurredAt: at(c.minutesAgo),
    });
  }
  await ingest('elena', {
    channel: 'email',
    threadKey: '<lb-55210-2@example.com>',
    author: { ...ELENA.author, displayName: ELENA.name },
    subject: ELENA.later.subject,
    text: ELENA.later.text,
    occurredAt: at(12),
  });
  await server.settle();

  const { rows } = await server.db.query<{ id: string; status: string; assigned_agent_id: string | null }>(
    'select id, status, assigned_agent_id from conversations',
  );
  for (const [key, id] of Object.entries(ids)) {
    const row = rows.find((r) => r.id === id);
    const expected = key === 'elenaEarlier' ? 'resolved' : 'assigned';
    if (row?.status !== expected || row.assigned_agent_id !== agentId) {
      throw new Error(`demo conversation ${key} is ${JSON.stringify(row)}, expected ${expected} for ${agentId}`);
    }
  }
  return { ids };
}

/** Open conversations the seeded agent has (everything but Elena's resolved earlier email). */
export const DEMO_OPEN_COUNT = DEMO_CONVERSATIONS.length + 1;
