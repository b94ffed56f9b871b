import { afterEach, describe, expect, it } from 'vitest';
import { DB_KINDS } from '../testing/testDatabase';
import { publishScorecard } from './qaTestKit';
import { startTestServer, type TestServer } from '../testing/testServer';

/** The automatic criteria decided on a real conversation, with evidence, for the lead. */
describe.each(DB_KINDS)('automatic QA checks on %s', { timeout: 30_000 }, (kind) => {
  let t: TestServer;
  afterEach(async () => {
    await t?.close();
  });

  it('decides first response, tone, personal data, spelling and consistency on the criteria’s scales', async () => {
    t = await startTestServer(kind);
    await t.addAgent({ id: 'lee', role: 'lead' });
    await t.addAgent({ id: 'dana', name: 'Dana Reyes' });
    await t.addTemplate({
      id: 'bag-found',
      topic: 'baggage',
      title: 'Bag found',
      renderings: { public_social: 'Hi {firstName}, good news: your bag is found! ^{agentInitials}' },
    });
    const dana = await t.connect('dana');
    await dana.op('presence.set', { presence: 'available' });
    await t.settle();
    const { body } = await t.ingest({
      channel: 'x_public',
      text: '@skywardair where is my bag',
      author: { kind: 'x_handle', value: '@maya', displayName: 'Maya Lopez' },
    });
    const conversationId = body.conversationId as string;
    const replyWith = (text: string, templateId?: string) =>
      dana.op('conversation.reply', {
        conversationId,
        messageId: crypto.randomUUID(),
        body: text,
        visibility: 'public',
        ...(templateId ? { templateId } : {}),
      });
    await replyWith('Hi Maya, good news: your bag is found! ^DR', 'bag-found');
    t.clock.advance(60_000);
    await replyWith('We recieved it, booking ref QX7P2L will be delivered tonight');

    const card = await publishScorecard(t, 'lee', {
      name: 'Auto',
      sections: [
        {
          id: 's',
          title: 'S',
          criteria: [
            { id: 'sla', label: 'First response in time', weight: 1, scale: 'yes_no', auto: 'first_response_sla' },
            { id: 'tone', label: 'Tone', weight: 1, scale: '1_5', auto: 'tone_template' },
            { id: 'pii', label: 'No personal data', weight: 1, scale: 'yes_no', auto: 'pii_in_public' },
            { id: 'spelling', label: 'Spelling', weight: 1, scale: 'yes_no', auto: 'spelling' },
            { id: 'consistency', label: 'Approved answer', weight: 1, scale: 'yes_no', auto: 'consistency' },
            { id: 'empathy', label: 'Empathy', weight: 1, scale: '1_5' },
          ],
        },
      ],
    });
    const response = await fetch(
      `${t.url}/api/qa/conversations/${conversationId}/auto-checks?scorecardId=${card.scorecardId}&version=1`,
      { headers: { authorization: `Bearer ${await t.signIn('lee')}` } },
    );
    expect(response.status).toBe(200);
    const { checks } = (await response.json()) as {
      checks: { criterionId: string; rating: unknown; verdict: string; evidence: string }[];
    };
    const by = new Map(checks.map((c) => [c.criterionId, c]));
    expect([...by.keys()]).toEqual(['sla', 'tone', 'pii', 'spelling', 'consistency']);
    expect(by.get('sla')).toMatchObject({ rating: 'yes', verdict: 'yes' });
    // Greeted in the first reply, no sign-off on the last: the lowest point of a 1–5 scale.
    expect(by.get('tone')).toMatchObject({
      rating: 1,
      evidence: 'A public reply: missing a sign-off (initials such as ^AB, or the agent’s name at the end).',
    });
    expect(by.get('pii')).toMatchObject({
      rating: 'no',
      evidence: 'Personal data in a public reply: reference “ref QX7P2L”.',
    });
    expect(by.get('spelling')?.evidence).toContain('“recieved” (received?)');
    expect(by.get('consistency')).toMatchObject({ rating: 'yes' });

    // Agents do not get them.
    const agent = await fetch(
      `${t.url}/api/qa/conversations/${conversationId}/auto-checks?scorecardId=${card.scorecardId}&version=1`,
      { headers: { authorization: `Bearer ${await t.signIn('dana')}` } },
    );
    expect(agent.status).toBe(403);
  });
});
