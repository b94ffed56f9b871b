import { describe, expect, it } from 'vitest';
import {
  asRating,
  consistentWithApprovedAnswer,
  firstResponseWithinSla,
  noPersonalDataInPublic,
  toneTemplateFollowed,
  type ConversationFacts,
} from './autoChecks';

const facts = (over: Partial<ConversationFacts>): ConversationFacts => ({
  channel: 'x_public',
  firstResponseDue: '2026-11-26T10:15:00.000Z',
  firstResponseAt: null,
  messages: [],
  ...over,
});
const reply = (id: string, body: string, visibility: 'public' | 'private' = 'public') => ({
  id,
  direction: 'outbound' as const,
  visibility,
  body,
});
const now = new Date('2026-11-26T11:00:00.000Z');

describe('automatic QA checks', () => {
  it('first response within the SLA target: before, after, not yet, no target', () => {
    expect(firstResponseWithinSla(facts({ firstResponseAt: '2026-11-26T10:11:00.000Z' }), now)).toMatchObject({
      verdict: 'yes',
      evidence: 'First response 4 min before the target.',
    });
    expect(firstResponseWithinSla(facts({ firstResponseAt: '2026-11-26T10:27:00.000Z' }), now)).toMatchObject({
      verdict: 'no',
      evidence: 'First response 12 min after the target.',
    });
    expect(firstResponseWithinSla(facts({}), now)).toMatchObject({
      verdict: 'no',
      evidence: 'No response yet; the target passed 45 min ago.',
    });
    expect(firstResponseWithinSla(facts({}), new Date('2026-11-26T10:00:00Z')).verdict).toBe('na');
    expect(firstResponseWithinSla(facts({ firstResponseDue: null }), now).verdict).toBe('na');
  });

  it('personal data in a public reply, with the reply named', () => {
    expect(noPersonalDataInPublic(facts({ messages: [] })).verdict).toBe('na');
    expect(
      noPersonalDataInPublic(facts({ messages: [reply('r1', 'Hi Maya, sorry! DM us please ^AN')] })),
    ).toMatchObject({
      verdict: 'yes',
    });
    expect(
      noPersonalDataInPublic(
        facts({
          messages: [
            reply('r1', 'Hi Maya, on it ^AN'),
            reply('r2', 'Your booking ref QX7P2L is rebooked, we mailed maya@example.com'),
            reply('r3', 'Private is fine: booking QX7P2L', 'private'),
          ],
        }),
      ),
    ).toEqual({
      verdict: 'no',
      evidence: 'Personal data in a public reply: reference “ref QX7P2L”, email “maya@example.com”.',
      messageIds: ['r2'],
    });
  });

  it('the tone template followed, per channel', () => {
    // Public social: greeting and a sign-off.
    expect(
      toneTemplateFollowed(facts({ messages: [reply('r1', 'Hi Maya, your refund is on its way ^AN')] })),
    ).toMatchObject({
      verdict: 'yes',
      messageIds: ['r1'],
    });
    expect(toneTemplateFollowed(facts({ messages: [reply('r1', 'Your refund is on its way')] }))).toMatchObject({
      verdict: 'no',
      evidence:
        'A public reply: missing a greeting such as “Hi Maya” and a sign-off (initials such as ^AB, or the agent’s name at the end).',
    });
    // A name after a comma signs off too.
    expect(
      toneTemplateFollowed(facts({ messages: [reply('r1', 'Hi Maya, it is on its way. Have a nice day, Dana')] }))
        .verdict,
    ).toBe('yes');
    // Email: greeting, closing and signature, across the first and last replies.
    const email = (first: string, last: string) =>
      toneTemplateFollowed(
        facts({ channel: 'email', messages: [reply('e1', first, 'private'), reply('e2', last, 'private')] }),
      );
    expect(email('Dear Maya,\n\nWe are on it.', 'Your refund is approved.\n\nKind regards,\nAnn')).toMatchObject({
      verdict: 'yes',
      messageIds: ['e1', 'e2'],
    });
    expect(email('Dear Maya,\n\nWe are on it.', 'Your refund is approved.')).toMatchObject({
      verdict: 'no',
      evidence: 'An email: missing a closing such as “Kind regards” and a signature.',
    });
    // A call: the agent's first and last turns; the customer's turns do not count.
    const call = (turns: [string, string][]) =>
      toneTemplateFollowed(
        facts({
          channel: 'voice',
          messages: turns.map(([speaker, body], i) => ({
            id: `t${i}`,
            direction: 'transcript' as const,
            visibility: 'private' as const,
            speaker,
            body,
          })),
        }),
      );
    expect(
      call([
        ['customer', 'Hello?'],
        ['agent', 'Thank you for calling Skyward Air, this is Ann.'],
        ['customer', 'My bag is lost.'],
        ['agent', 'It is found. Is there anything else I can do?'],
      ]),
    ).toMatchObject({ verdict: 'yes', messageIds: ['t1', 't3'] });
    expect(
      call([
        ['agent', 'Yes?'],
        ['agent', 'OK.'],
      ]),
    ).toMatchObject({
      verdict: 'no',
      evidence:
        'A call: missing a greeting such as “Thank you for calling” or “Skyward Air, Dana speaking” and a closing line such as “Anything else I can help with?” or “Have a good day”.',
    });
    // On a call, saying who answers greets too.
    expect(
      call([
        ['agent', 'Skyward Air, Dana speaking.'],
        ['agent', 'Take care, goodbye.'],
      ]).verdict,
    ).toBe('yes');
    // Closings agents say: a safe trip, take care.
    expect(
      call([
        ['agent', 'Good morning, Skyward Air reservations, Kofi speaking.'],
        ['agent', "You're welcome, have a safe trip."],
      ]).verdict,
    ).toBe('yes');
    expect(call([['customer', 'Hello?']]).verdict).toBe('na');
    // Chat: a greeting is enough.
    expect(
      toneTemplateFollowed(facts({ channel: 'chat', messages: [reply('c1', 'Hi! Let me check.', 'private')] })).verdict,
    ).toBe('yes');
  });

  it("puts a verdict on the criterion's own scale", () => {
    expect(asRating({ scale: 'yes_no', allowNa: true }, 'yes')).toBe('yes');
    expect(asRating({ scale: '1_5', allowNa: true }, 'yes')).toBe(5);
    expect(asRating({ scale: '1_3', allowNa: true }, 'no')).toBe(1);
    expect(asRating({ scale: '1_3', allowNa: true }, 'na')).toBe('na');
    expect(asRating({ scale: 'yes_no', allowNa: false }, 'na')).toBeNull();
  });
});

describe('consistency with the approved answer', () => {
  const templates = new Map([
    [
      'refund',
      {
        title: 'Refund approved',
        renderings: {
          public_social: 'Hi {firstName}, your refund is on its way! ^{agentInitials}',
          private_social: 'Hi {firstName}, your refund of {amount} is approved under case {caseId}.',
        },
      },
    ],
  ]);
  const used = (body: string, visibility: 'public' | 'private' = 'public') => ({
    id: 'r1',
    direction: 'outbound' as const,
    visibility,
    body,
    templateId: 'refund',
  });

  it("passes the rendering for the reply's tone with its variables filled", () => {
    expect(
      consistentWithApprovedAnswer(facts({ messages: [used('Hi Maya, your refund is on its way! ^AN')] }), templates),
    ).toMatchObject({ verdict: 'yes' });
    expect(
      consistentWithApprovedAnswer(
        facts({ messages: [used('Hi Maya, your refund of 120 EUR is approved under case C-42.', 'private')] }),
        templates,
      ).verdict,
    ).toBe('yes');
  });

  it('fails a rewrite, another tone’s text, or a tone the answer lacks; no template is nothing to judge', () => {
    expect(
      consistentWithApprovedAnswer(facts({ messages: [used('Hi Maya, refund coming, promise! ^AN')] }), templates),
    ).toEqual({
      verdict: 'no',
      evidence: '“Refund approved” was changed from its public social version.',
      messageIds: ['r1'],
    });
    expect(
      consistentWithApprovedAnswer(
        facts({ messages: [used('Hi Maya, your refund of 120 EUR is approved under case C-42.')] }),
        templates,
      ).verdict,
    ).toBe('no');
    expect(
      consistentWithApprovedAnswer(facts({ channel: 'email', messages: [used('Dear Maya', 'private')] }), templates),
    ).toMatchObject({ verdict: 'no', evidence: '“Refund approved” has no email version.' });
    expect(consistentWithApprovedAnswer(facts({ messages: [reply('r1', 'Hi')] }), templates).verdict).toBe('na');
  });
});
