import { describe, expect, it } from 'vitest';
import { renderAnswer, toneFor } from './tones';

const refund = {
  email: 'Dear {firstName},\n\nYour refund is case {caseId}.\n\nKind regards,\n{agentName}',
  public_social: "Hi {firstName}, we'd like to look into your refund. Please DM us. ^{agentInitials}",
  private_social: 'Hi {firstName}, your refund is case {caseId}. {agentName}',
};
const values = { firstName: 'Dana', caseId: 'C-1042', agentName: 'Sam Ortiz', agentInitials: 'SO' };

describe('tone templates', () => {
  it('picks the tone from the channel and visibility', () => {
    expect(toneFor('x_public', 'public')).toBe('public_social');
    expect(toneFor('x_public', 'private')).toBe('private_social');
    expect(toneFor('facebook', 'public')).toBe('public_social');
    expect(toneFor('messenger', 'public')).toBe('private_social');
    expect(toneFor('email', 'private')).toBe('email');
    expect(toneFor('voice', 'private')).toBe('phone_script');
    expect(toneFor('chat', 'private')).toBe('chat');
  });

  it('re-renders the same answer when the reply moves from public to private to email', () => {
    expect(renderAnswer(refund, toneFor('x_public', 'public'), values)).toEqual({
      tone: 'public_social',
      text: "Hi Dana, we'd like to look into your refund. Please DM us. ^SO",
      missing: [],
    });
    expect(renderAnswer(refund, toneFor('x_public', 'private'), values)).toMatchObject({
      text: 'Hi Dana, your refund is case C-1042. Sam Ortiz',
    });
    expect(renderAnswer(refund, 'email', { ...values, caseId: null })).toMatchObject({
      text: 'Dear Dana,\n\nYour refund is case {caseId}.\n\nKind regards,\nSam Ortiz',
      missing: ['caseId'],
    });
  });

  it('says so when the answer has no version in a tone', () => {
    expect(renderAnswer(refund, 'phone_script', values)).toEqual({
      tone: 'phone_script',
      unavailable: 'This answer has no phone script version yet; ask a lead to add one.',
    });
  });
});
