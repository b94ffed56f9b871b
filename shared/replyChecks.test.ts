import { describe, expect, it } from 'vitest';
import { fillTemplate, personalData, X_LIMIT, xLength } from './replyChecks';

describe('X weighted length', () => {
  it('counts like X: URLs as 23, CJK and emoji as 2', () => {
    expect(xLength('Hello').weighted).toBe(5);
    expect(xLength('See https://example.com/a/very/long/path/that/keeps/going?x=1').weighted).toBe(4 + 23);
    expect(xLength('日本語').weighted).toBe(6);
    expect(xLength('👍').weighted).toBe(2);
  });

  it('stops at the limit and says where the overflow starts', () => {
    expect(xLength('a'.repeat(X_LIMIT))).toMatchObject({ valid: true, remaining: 0 });
    const over = xLength('a'.repeat(X_LIMIT + 5));
    expect(over).toMatchObject({ valid: false, remaining: -5, fitsUpTo: X_LIMIT - 1 });
    expect(xLength('   ').valid).toBe(true);
  });
});

describe('personal data in a public reply', () => {
  it('finds emails, phone numbers, order and account numbers, and card numbers', () => {
    const found = personalData(
      'Mail dana.r@example.com or call +1 415 555 0134; order #A12345 and account no. 99887766, card 4111 1111 1111 1111.',
    );
    expect(found.map((f) => [f.kind, f.text])).toEqual([
      ['email', 'dana.r@example.com'],
      ['phone', '+1 415 555 0134'],
      ['reference', 'order #A12345'],
      ['reference', 'account no. 99887766'],
      ['card', '4111 1111 1111 1111'],
    ]);
  });

  it('leaves ordinary replies alone: times, prices, short numbers, dates', () => {
    expect(personalData('Sorry for the wait! Flight 42 leaves at 10:30, the fee is $25 and it is 2026-11-25.')).toEqual(
      [],
    );
    expect(personalData('We are on it, 3 of 4 items shipped.')).toEqual([]);
  });

  it('leaves ids alone: a case id or a UUID in a link is not a phone or a card, whatever its digits', () => {
    // Seen in the shift e2e: {caseId} filled with a conversation id whose middle groups are digits.
    expect(
      personalData('Track it at https://help.example.com/refunds/a65188ec-4465-4119-bc05-821372fdf769 ^AA'),
    ).toEqual([]);
    expect(personalData('Your case is 12345678-1234-4234-8234-123456789012.')).toEqual([]);
    expect(personalData('Case 0a1b2c3d-1234-5678-9012-345678901234, release v2.4.1-5551234')).toEqual([]);
    for (let i = 0; i < 500; i++) {
      const id = crypto.randomUUID();
      expect(personalData(`Your case is ${id}: https://help.example.com/cases/${id}`), id).toEqual([]);
    }
    // The same digits on their own still count.
    expect(personalData('Call 4465-4119 or 415.555.0134.').map((f) => [f.kind, f.text])).toEqual([
      ['phone', '4465-4119'],
      ['phone', '415.555.0134'],
    ]);
    expect(personalData('Card 4111-1111-1111-1111, thanks').map((f) => f.kind)).toEqual(['card']);
  });
});

describe('template variables', () => {
  it('fills the known ones and lists the missing ones, which stay visible', () => {
    expect(
      fillTemplate('Hi {firstName}, I am { agentName }. Your case is {caseId}.', {
        firstName: 'Dana',
        agentName: 'Sam',
        caseId: '',
      }),
    ).toEqual({ text: 'Hi Dana, I am Sam. Your case is {caseId}.', missing: ['caseId'] });
    expect(fillTemplate('Hello {firstName} and {firstName}', {})).toEqual({
      text: 'Hello {firstName} and {firstName}',
      missing: ['firstName'],
    });
  });
});

describe('personal data: words that only name a reference', () => {
  it('does not flag a request for a booking reference, or a team name', () => {
    expect(personalData('Please DM us your booking reference and we will sort it out.')).toEqual([]);
    expect(personalData('I passed it to the Accounting-team today.')).toEqual([]);
    expect(personalData('Your booking reference LB55210 is confirmed.').map((m) => m.kind)).toEqual(['reference']);
    expect(personalData('Order #ABC-12345 shipped.').map((m) => m.kind)).toEqual(['reference']);
  });
});
