import { expect } from '@playwright/test';
import type { AgentSpec, TestClient, TestServer } from '../../server/testing/testServer';
import { ALL_SKILLS, MAX_CAPACITY } from './workspaceFixtures';

/**
 * QA data for the end-to-end specs (issue 8): Ann, the agent, and three team leads; a scorecard;
 * and Ann's day (a call with a four-turn transcript, a public X complaint and an email, each
 * handled and resolved through the API) for the leads to review.
 */
export const QA_AGENTS: AgentSpec[] = [
  { id: 'ann', name: 'Ann Agent', skills: { ...ALL_SKILLS }, capacity: { ...MAX_CAPACITY } },
  // Leads with no skills: routing never hands them the customers' work.
  { id: 'lee', name: 'Lee Lead', role: 'lead', skills: {} },
  { id: 'kim', name: 'Kim Lead', role: 'lead', skills: {} },
  { id: 'ola', name: 'Ola Lead', role: 'lead', skills: {} },
];

export const CARD = {
  name: 'Customer care',
  sections: [
    {
      id: 'opening',
      title: 'Opening',
      criteria: [
        {
          id: 'greeting',
          label: 'Greets and closes as the channel asks',
          weight: 1,
          scale: 'yes_no' as const,
          auto: 'tone_template' as const,
        },
        { id: 'empathy', label: 'Shows empathy', weight: 2, scale: '1_5' as const, allowNa: false },
      ],
    },
    {
      id: 'compliance',
      title: 'Compliance',
      criteria: [
        {
          id: 'pii',
          label: 'No personal data in public',
          weight: 1,
          scale: 'yes_no' as const,
          critical: true,
          channels: ['x_public' as const, 'facebook' as const],
          messageKinds: ['public' as const],
          auto: 'pii_in_public' as const,
        },
        {
          id: 'script',
          label: 'Follows the phone script',
          weight: 1,
          scale: '1_3' as const,
          channels: ['voice' as const],
          messageKinds: ['transcript' as const],
        },
      ],
    },
  ],
};

export const CALL_TURNS: [speaker: 'customer' | 'agent', text: string][] = [
  ['customer', 'Hello, my flight to Porto was cancelled and nobody told me.'],
  ['agent', 'Thank you for calling Skyward Air, this is Ann. I am sorry to hear that.'],
  ['customer', 'I need to be in Porto by Friday for a wedding.'],
  ['agent', 'I can rebook you on the 7:40 flight tomorrow morning at no cost. Thank you for calling, goodbye.'],
];
export const X_POST = '@SkywardAir my bag arrived torn open at LHR. Really poor service.';

export async function applied(client: TestClient, type: string, payload: Record<string, unknown>) {
  const result = await client.op(type, payload);
  expect(result, `${type} ${JSON.stringify(payload)}`).toMatchObject({ status: 'applied' });
}

async function ingested(server: TestServer, interaction: Parameters<TestServer['ingest']>[0]): Promise<string> {
  const { status, body } = await server.ingest(interaction);
  expect(status, JSON.stringify(body)).toBe(200);
  return body.conversationId as string;
}

/** Ann's day, through the API: a call, a public X complaint and an email, each handled and resolved. */
export async function annsDay(server: TestServer) {
  const ann = await server.connect('ann');
  await applied(ann, 'presence.set', { presence: 'available' });
  await server.settle();
  // The offer's expiry is in the server clock's future.
  server.clock.ms = Date.now();
  const segment = (i: number) => ({
    provider: 'cti',
    providerMessageId: `call-9-${i}`,
    channel: 'voice' as const,
    threadKey: 'call-9',
    kind: 'transcript' as const,
    speaker: CALL_TURNS[i]![0],
    author: { kind: 'phone' as const, value: '+15550100199', displayName: 'Priya Shah' },
    text: CALL_TURNS[i]![1],
    occurredAt: new Date(server.clock.ms + i * 15_000).toISOString(),
    // Where the platform says each turn sits in the call: what time-span comments point into.
    meta: { startMs: i * 15_000, endMs: i * 15_000 + 12_000 },
  });
  const call = await ingested(server, segment(0));
  await applied(ann, 'offer.accept', { conversationId: call });
  for (let i = 1; i < CALL_TURNS.length; i++) await ingested(server, segment(i));
  await applied(ann, 'conversation.wrap_up', { conversationId: call, disposition: 'information_given' });
  await applied(ann, 'conversation.resolve', { conversationId: call });

  /** A written conversation: the customer's message in, Ann's reply out, resolved. */
  const answered = async (
    interaction: Parameters<TestServer['ingest']>[0],
    body: string,
    visibility: 'public' | 'private',
  ) => {
    const id = await ingested(server, interaction);
    await server.settle();
    await applied(ann, 'conversation.reply', { conversationId: id, messageId: crypto.randomUUID(), body, visibility });
    await applied(ann, 'conversation.resolve', { conversationId: id });
    return id;
  };
  const x = await answered(
    { channel: 'x_public', author: { kind: 'x_handle', value: '@jordanm', displayName: 'Jordan Miles' }, text: X_POST },
    'Hi Jordan, so sorry about your bag. Please send us a DM and we will put it right. ^AA',
    'public',
  );
  const email = await answered(
    {
      channel: 'email',
      author: { kind: 'email', value: 'maya@example.com', displayName: 'Maya Lindqvist' },
      text: 'Hello, I was charged twice for my seat upgrade. Please refund one of them.',
    },
    'Dear Maya,\n\nThe second charge is refunded; you will see it within five working days.\n\nKind regards,\nAnn',
    'private',
  );
  for (const id of [call, x, email])
    expect(await server.conversation(id)).toMatchObject({ status: 'resolved', assigned_agent_id: 'ann' });
  ann.close();
  return { call, x, email };
}

/** A lead's review saved and submitted from their own computer (the API), as `review.save` takes it. */
export async function submittedReview(server: TestServer, leadId: string, review: Record<string, unknown>) {
  const client = await server.connect(leadId);
  const reviewId = crypto.randomUUID();
  await applied(client, 'review.save', { reviewId, scorecardVersion: 1, ...review });
  await applied(client, 'review.submit', { reviewId });
  client.close();
  return reviewId;
}
