import { describe, expect, it } from 'vitest';
import { slaClock } from './slaClock';

const now = Date.parse('2026-11-25T12:00:00Z');
const at = (minutes: number) => new Date(now + minutes * 60_000).toISOString();

describe('SLA clock', () => {
  it('shows the nearest open target and turns to warning, then breached', () => {
    expect(slaClock({ firstResponseDue: at(45), resolutionDue: at(600) }, now)).toEqual({
      state: 'ok',
      target: 'first_response',
      remainingMs: 45 * 60_000,
      label: '45 min',
    });
    expect(slaClock({ firstResponseDue: at(4) }, now)).toMatchObject({ state: 'warning', label: '4 min' });
    // A quarter of a 60-minute target left is a warning even though it is more than 5 minutes.
    expect(slaClock({ firstResponseDue: at(14) }, now, now - 46 * 60_000).state).toBe('warning');
    expect(slaClock({ firstResponseDue: at(-90) }, now)).toMatchObject({
      state: 'breached',
      label: 'overdue 1 h 30 min',
    });
  });

  it('a first response already given no longer counts; a resolved conversation has no clock', () => {
    expect(slaClock({ firstResponseAt: at(-10), firstResponseDue: at(5), resolutionDue: at(3000) }, now)).toMatchObject(
      { target: 'resolution', state: 'ok', label: '2 d' },
    );
    expect(slaClock({ resolvedAt: at(-1), resolutionDue: at(-5) }, now).state).toBe('none');
    expect(slaClock({}, now)).toMatchObject({ state: 'none', label: '' });
  });
});
