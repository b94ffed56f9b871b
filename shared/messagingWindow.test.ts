import { describe, expect, it } from 'vitest';
import { describeSpan, messagingWindow } from './messagingWindow';

const HOUR = 3600_000;
const DAY = 24 * HOUR;
const last = Date.parse('2026-03-02T10:00:00Z');

describe('messagingWindow', () => {
  it('is the standard window for 24 hours after the customer last wrote: RESPONSE, no tag', () => {
    const w = messagingWindow('messenger', new Date(last), last + 19 * HOUR);
    expect(w).toEqual({
      state: 'standard',
      closesAt: '2026-03-03T10:00:00.000Z',
      messagingType: 'RESPONSE',
      tag: null,
      explanation: 'Standard messaging window: 5 h left.',
    });
    expect(messagingWindow('messenger', last, last + 23 * HOUR + 59 * 60_000).explanation).toBe(
      'Standard messaging window: 1 min left.',
    );
  });

  it('switches to the human-agent tag at exactly 24 hours, until 7 days', () => {
    const at24 = messagingWindow('messenger', last, last + DAY);
    expect(at24).toMatchObject({
      state: 'human_agent',
      closesAt: '2026-03-09T10:00:00.000Z',
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
    });
    expect(at24.explanation).toBe("Human agent tag: 6 days left — use it only for a human agent's answer.");
    expect(messagingWindow('messenger', last, last + 5 * DAY).explanation).toBe(
      "Human agent tag: 2 days left — use it only for a human agent's answer.",
    );
    expect(messagingWindow('messenger', last, last + 6 * DAY + 20 * HOUR).explanation).toContain('4 h left');
  });

  it('is closed from 7 days on, and says to answer by email', () => {
    const w = messagingWindow('messenger', '2026-03-02T10:00:00Z', last + 10 * DAY);
    expect(w).toMatchObject({ state: 'closed', closesAt: null, messagingType: null, tag: null });
    expect(w.explanation).toBe(
      "Messenger window closed 3 days ago: Messenger allows replies up to 7 days after the customer's last message. Answer by email if the customer has an address, or wait for them to write again.",
    );
    expect(messagingWindow('messenger', last, last + 7 * DAY).state).toBe('closed');
    expect(messagingWindow('messenger', last, last + 7 * DAY - 1).state).toBe('human_agent');
  });

  it('is closed when the customer never wrote on Messenger', () => {
    for (const missing of [null, undefined, 'not a date']) {
      const w = messagingWindow('messenger', missing, last);
      expect(w.state).toBe('closed');
      expect(w.explanation).toContain('has not written on Messenger yet');
    }
  });

  it('treats a customer message stamped a little in the future as just received', () => {
    expect(messagingWindow('messenger', last + 5000, last)).toMatchObject({
      state: 'standard',
      explanation: 'Standard messaging window: 24 h left.',
    });
  });

  it('does not apply to any other channel', () => {
    for (const channel of ['x_public', 'x_dm', 'facebook', 'email', 'voice', 'chat'] as const) {
      expect(messagingWindow(channel, last, last + 30 * DAY)).toEqual({
        state: 'not_applicable',
        closesAt: null,
        messagingType: null,
        tag: null,
        explanation: '',
      });
    }
  });

  it('rounds spans down', () => {
    expect(describeSpan(59_999)).toBe('less than a minute');
    expect(describeSpan(60 * 60_000 - 1)).toBe('59 min');
    expect(describeSpan(47 * HOUR + 59 * 60_000)).toBe('47 h');
    expect(describeSpan(2 * DAY)).toBe('2 days');
    expect(describeSpan(-5)).toBe('less than a minute');
  });
});
