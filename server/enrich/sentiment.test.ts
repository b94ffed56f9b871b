import { describe, expect, it } from 'vitest';
import { scoreSentiment } from './sentiment';

describe('scoreSentiment', () => {
  it('reads an angry complaint as negative', () => {
    const result = scoreSentiment(
      '@united you lost my bag AGAIN. Worst airline ever, absolutely furious and nobody answers the phone!!',
    );
    expect(result.label).toBe('negative');
    expect(result.score).toBeLessThan(-0.05);
  });

  it('reads a thank-you as positive', () => {
    const result = scoreSentiment('Thank you so much, the crew was amazing and the flight was great 🙏');
    expect(result.label).toBe('positive');
    expect(result.score).toBeGreaterThan(0.05);
  });

  it('reads a plain order question as neutral', () => {
    expect(scoreSentiment('Hi, can you tell me when my order #48213 will ship? I ordered it on Monday.')).toEqual({
      score: 0,
      label: 'neutral',
    });
  });

  it('reads empty and whitespace-only text as neutral', () => {
    expect(scoreSentiment('')).toEqual({ score: 0, label: 'neutral' });
    expect(scoreSentiment('   \n ')).toEqual({ score: 0, label: 'neutral' });
  });

  it('clamps the comparative score to -1..1 for short, strongly worded posts', () => {
    expect(scoreSentiment('terrible').score).toBe(-1);
    expect(scoreSentiment('love it 😍').score).toBe(1);
  });

  it('follows negation ("not good" is negative)', () => {
    expect(scoreSentiment('the new app is not good').label).toBe('negative');
  });

  it('does not let a link dilute the score', () => {
    expect(scoreSentiment('awful service https://t.co/Ab3xYz9 https://t.co/Qw8eRt1').score).toBe(
      scoreSentiment('awful service').score,
    );
  });
});
