import { describe, expect, it } from 'vitest';
import { ConnectorHealth } from './health';

describe('connector health', () => {
  it('counts refusals and events, and is failing while the newest outcome is a refusal', () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const health = new ConnectorHealth(() => now);
    expect(health.status('x')).toMatchObject({ status: 'idle', events: 0, lastEventAt: null });

    health.event('x');
    health.event('x');
    health.event('x');
    now += 1000;
    health.refused('x', 'bad_signature', 'The x-twitter-webhooks-signature header does not match.');
    expect(health.status('x')).toMatchObject({
      status: 'failing',
      events: 3,
      badSignatures: 1,
      badSignatureRate: 0.25,
      lastEventAt: '2026-11-26T10:00:00.000Z',
      lastError: { at: '2026-11-26T10:00:01.000Z', message: 'The x-twitter-webhooks-signature header does not match.' },
    });
    now += 1000;
    health.event('x');
    expect(health.status('x').status).toBe('connected');
    // A malformed payload is the sender's bug: counted, but the connection still works.
    health.refused('x', 'malformed', 'not JSON');
    expect(health.status('x')).toMatchObject({ status: 'connected', malformed: 1 });
    // Other connectors are untouched.
    expect(health.status('meta')).toMatchObject({ status: 'idle', events: 0, badSignatures: 0 });
  });

  it('forgets signature refusals older than an hour in the rate, not in the totals', () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const health = new ConnectorHealth(() => now);
    health.refused('meta', 'bad_signature', 'forged');
    health.event('meta');
    expect(health.status('meta').badSignatureRate).toBe(0.5);
    now += 61 * 60_000;
    health.event('meta');
    expect(health.status('meta')).toMatchObject({ badSignatureRate: 0, badSignatures: 1, events: 2 });
  });

  it('tracks sends and send failures, and goes idle after a quiet day', () => {
    let now = Date.parse('2026-11-26T10:00:00Z');
    const health = new ConnectorHealth(() => now);
    health.sent('email');
    now += 1;
    health.failed('email', 'SMTP 451: try later');
    expect(health.status('email')).toMatchObject({ status: 'failing', sent: 1, sendFailures: 1 });
    now += 1;
    health.ok('email');
    expect(health.status('email')).toMatchObject({ status: 'connected', sendFailures: 1 });
    now += 25 * 3600_000;
    expect(health.status('email').status).toBe('idle');
    health.refused('cti', 'auth_failure', 'wrong token');
    expect(health.status('cti')).toMatchObject({ status: 'failing', authFailures: 1, badSignatureRate: 0 });
  });
});
