import { describe, expect, it } from 'vitest';
import type { ConversationFacts } from '../../shared/qa/autoChecks';
import { spellingChecked } from './spelling';

const facts = (...bodies: string[]): ConversationFacts => ({
  channel: 'email',
  firstResponseDue: null,
  firstResponseAt: null,
  messages: bodies.map((body, i) => ({ id: `r${i}`, direction: 'outbound', visibility: 'private', body })),
});

describe('spelling of written replies', () => {
  it('finds misspelled words with a suggestion, and names the reply', () => {
    const result = spellingChecked(
      facts('Dear Maya,\n\nWe recieved your bagage claim and will refund it.\n\nKind regards,\nAnn'),
      ['Maya', 'Ann'],
    );
    expect(result.verdict).toBe('no');
    expect(result.evidence).toMatch(/^Spelling: “recieved” \(received\?\), “bagage” \(\w+\?\)\.$/u);
    expect(result.messageIds).toEqual(['r0']);
  });

  it('passes correct text with names, handles, links, codes and initials', () => {
    expect(
      spellingChecked(
        facts(
          'Hi @maya_l, Skyward Air here: your refund for booking QX7P2L is on its way, see https://help.example.com/refunds ^AN',
          "Thanks, Maya! It's done.",
        ),
        ['Skyward Air', 'Maya'],
      ),
    ).toEqual({ verdict: 'yes', evidence: 'No spelling mistakes found.', messageIds: [] });
  });

  it('has nothing to check without a written reply', () => {
    expect(spellingChecked(facts()).verdict).toBe('na');
  });
});
