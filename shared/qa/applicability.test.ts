import { describe, expect, it } from 'vitest';
import { appliesTo, messageKinds, type ConversationShape } from './applicability';

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
