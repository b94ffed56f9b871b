import { describe, expect, it } from 'vitest';
import { appliesTo, messageKinds, unratedRequired, unratedSentence, type ConversationShape } from './applicability';

const criterion = (channels: string[], kinds: string[]) =>
  ({ channels, messageKinds: kinds }) as Parameters<typeof appliesTo>[0];

describe('criterion applicability', () => {
  it('reads the kinds of message a conversation holds, notes left out', () => {
    expect(
      messageKinds([
        { direction: 'inbound', visibility: 'public' },
        { direction: 'note', visibility: 'private' },
      ]),
    ).toEqual(new Set(['public']));
    expect(
      messageKinds([
        { direction: 'transcript', visibility: 'private' },
        { direction: 'outbound', visibility: 'private' },
      ]),
    ).toEqual(new Set(['transcript', 'private']));
    expect(messageKinds([])).toEqual(new Set());
  });

  it('applies by channel and message kind; empty lists mean every one', () => {
    const call: ConversationShape = { channel: 'voice', kinds: new Set(['transcript'] as const) };
    const thread: ConversationShape = { channel: 'x_public', kinds: new Set(['public', 'private'] as const) };
    expect(appliesTo(criterion([], []), call)).toBe(true);
    expect(appliesTo(criterion(['voice'], ['transcript']), call)).toBe(true);
    expect(appliesTo(criterion(['voice'], ['transcript']), thread)).toBe(false);
    expect(appliesTo(criterion([], ['public']), thread)).toBe(true);
    expect(appliesTo(criterion([], ['public']), call)).toBe(false);
    expect(appliesTo(criterion(['email'], []), thread)).toBe(false);
    expect(appliesTo(criterion(['x_public', 'facebook'], ['public']), thread)).toBe(true);
  });
});

describe('criteria a review needs before it is submitted', () => {
  const thread: ConversationShape = { channel: 'x_public', kinds: new Set(['public'] as const) };
  const c = (id: string, over: Record<string, unknown>) =>
    ({ id, label: id, critical: false, allowNa: true, channels: [], messageKinds: [], ...over }) as Parameters<
      typeof unratedRequired
    >[0][number];
  it('asks for critical and not-N/A criteria that apply, and names them', () => {
    const criteria = [
      c('accuracy', { critical: true }),
      c('empathy', { allowNa: false }),
      c('tone', {}),
      c('script', { critical: true, channels: ['voice'] }),
    ];
    expect(unratedRequired(criteria, { empathy: 3 }, thread)).toEqual([
      { id: 'accuracy', label: 'accuracy', why: 'critical' },
    ]);
    expect(unratedSentence(unratedRequired(criteria, {}, thread))).toBe(
      'Rate these before submitting: “accuracy” (critical), “empathy” (cannot be not applicable).',
    );
    expect(unratedSentence(unratedRequired(criteria, { accuracy: 'yes' }, thread))).toBe(
      'Rate “empathy” before submitting (cannot be not applicable).',
    );
    expect(unratedRequired(criteria, { accuracy: 'yes', empathy: 2 }, thread)).toEqual([]);
  });
});
