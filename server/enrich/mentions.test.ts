import { describe, expect, it } from 'vitest';
import { extractContactMentions, normaliseHandle } from './mentions';

describe('extractContactMentions', () => {
  it('finds the email and the international phone number in a DM', () => {
    expect(extractContactMentions('my email is Dana.R@Example.com and call me on +1 (415) 555-0134')).toEqual({
      emails: ['dana.r@example.com'],
      phones: ['+14155550134'],
    });
  });

  it('dedupes the same address and number written differently', () => {
    expect(
      extractContactMentions(
        'DANA.R@example.com, or dana.r@EXAMPLE.com. Phone (415) 555-0134 / 415.555.0134 / 415 555 0134',
      ),
    ).toEqual({ emails: ['dana.r@example.com'], phones: ['4155550134'] });
  });

  it("keeps a country code as '+', from '+' or '00', and drops the (0) trunk prefix", () => {
    expect(extractContactMentions('UK office 0044 20 7946 0958, mobile +44 (0) 7700 900123').phones).toEqual([
      '+442079460958',
      '+447700900123',
    ]);
  });

  it('leaves national numbers as digits, without guessing a country', () => {
    expect(extractContactMentions('ring 555-0134 after 6').phones).toEqual(['5550134']);
  });

  it('skips dates, order numbers, amounts, short and overlong numbers', () => {
    const text =
      'Ordered 2024-05-12 (or 12.05.2024), order #48213991, ref ORD-1234567, paid $1234567.89, ' +
      'code 123456, card 1234 5678 9012 3456 7890';
    expect(extractContactMentions(text)).toEqual({ emails: [], phones: [] });
  });

  it('skips numbers inside links and email addresses', () => {
    expect(
      extractContactMentions('tracking https://example.com/track/4155550134?x=1 and 4155550134@sms.example.net'),
    ).toEqual({ emails: ['4155550134@sms.example.net'], phones: [] });
  });

  it('does not take a trailing full stop or an address without a domain suffix', () => {
    expect(extractContactMentions('Write to support@united.com. Not to admin@localhost').emails).toEqual([
      'support@united.com',
    ]);
  });

  it('finds nothing in a message without contact details', () => {
    expect(extractContactMentions('@united where is my bag? Flight UA 915 landed at 10:30')).toEqual({
      emails: [],
      phones: [],
    });
  });
});

describe('normaliseHandle', () => {
  it('lowercases X handles without the @', () => {
    expect(normaliseHandle('x_handle', ' @Dana_R ')).toBe('dana_r');
    expect(normaliseHandle('x_handle', 'dana_r')).toBe('dana_r');
  });

  it('lowercases and trims emails', () => {
    expect(normaliseHandle('email', '  Dana.R@Example.COM ')).toBe('dana.r@example.com');
  });

  it("keeps phones as '+' and digits, so the forms a customer writes compare equal", () => {
    expect(normaliseHandle('phone', '+1 (415) 555-0134')).toBe('+14155550134');
    expect(normaliseHandle('phone', '+14155550134')).toBe('+14155550134');
    expect(normaliseHandle('phone', '001 415 555 0134')).toBe('+14155550134');
    expect(normaliseHandle('phone', '14155550134')).toBe('+14155550134');
  });

  it('agrees with extractContactMentions on the numbers it finds', () => {
    const [phone = ''] = extractContactMentions('call me on +1 (415) 555-0134').phones;
    expect(normaliseHandle('phone', phone)).toBe(phone);
  });

  it('keeps Facebook ids and chat visitor ids exactly as given', () => {
    expect(normaliseHandle('facebook_id', '1029384756')).toBe('1029384756');
    expect(normaliseHandle('chat_visitor', 'V-Ab3')).toBe('V-Ab3');
  });
});
