/**
 * Connector health for admins: is each provider connection working, how many requests were
 * refused (bad signatures, wrong tokens, malformed payloads), when the last event came in and the
 * last reply went out. Kept in memory per server process: a restart starts the counts afresh.
 */

import type { ConnectorStatus } from '../../shared/api';

export type { ConnectorStatus } from '../../shared/api';
export const CONNECTORS = [
  'x',
  'meta',
  'email',
  'cti',
  'chat',
] as const satisfies readonly ConnectorStatus['connector'][];
export type ConnectorName = (typeof CONNECTORS)[number];

export type Refusal = 'bad_signature' | 'auth_failure' | 'malformed';

const HOUR_MS = 3600_000;
const IDLE_AFTER_MS = 24 * HOUR_MS;

interface Counters {
  events: number;
  badSignatures: number;
  authFailures: number;
  malformed: number;
  sent: number;
  sendFailures: number;
  lastEventAt: number | null;
  lastSentAt: number | null;
  lastGoodAt: number | null;
  lastBadAt: number | null;
  lastError: { at: number; message: string } | null;
  /** Minute buckets of the last hour: [minute, signed requests, bad signatures]. */
  minutes: [number, number, number][];
}

export class ConnectorHealth {
  private readonly counters = new Map<ConnectorName, Counters>();

  constructor(private readonly now: () => number = Date.now) {
    for (const c of CONNECTORS) this.counters.set(c, emptyCounters());
  }

  /** An inbound event accepted (signature or token good, payload parsed). */
  event(connector: ConnectorName, signed = true): void {
    const c = this.get(connector);
    const at = this.now();
    c.events += 1;
    c.lastEventAt = at;
    c.lastGoodAt = at;
    if (signed) this.bucket(c, at)[1] += 1;
  }

  /** A request refused with 401 or 400. */
  refused(connector: ConnectorName, why: Refusal, message: string): void {
    const c = this.get(connector);
    const at = this.now();
    if (why === 'bad_signature') {
      c.badSignatures += 1;
      const bucket = this.bucket(c, at);
      bucket[1] += 1;
      bucket[2] += 1;
    } else if (why === 'auth_failure') c.authFailures += 1;
    else c.malformed += 1;
    // A malformed payload is the sender's bug, not a broken connection.
    if (why !== 'malformed') c.lastBadAt = at;
    c.lastError = { at, message };
  }

  /** A reply delivered to the provider. */
  sent(connector: ConnectorName): void {
    const c = this.get(connector);
    const at = this.now();
    c.sent += 1;
    c.lastSentAt = at;
    c.lastGoodAt = at;
  }

  /** A reply the provider refused or could not take, or a poll that failed. */
  failed(connector: ConnectorName, message: string, countsAsSend = true): void {
    const c = this.get(connector);
    const at = this.now();
    if (countsAsSend) c.sendFailures += 1;
    c.lastBadAt = at;
    c.lastError = { at, message };
  }

  /** A poll or connection check that worked (IMAP). */
  ok(connector: ConnectorName): void {
    this.get(connector).lastGoodAt = this.now();
  }

  status(connector: ConnectorName): ConnectorStatus {
    const c = this.get(connector);
    const at = this.now();
    const recent = c.minutes.filter(([minute]) => minute > Math.floor((at - HOUR_MS) / 60_000));
    const signed = recent.reduce((n, [, s]) => n + s, 0);
    const bad = recent.reduce((n, [, , b]) => n + b, 0);
    const lastActivity = Math.max(c.lastGoodAt ?? -Infinity, c.lastBadAt ?? -Infinity);
    const status =
      c.lastBadAt !== null && (c.lastGoodAt === null || c.lastBadAt > c.lastGoodAt)
        ? 'failing'
        : at - lastActivity < IDLE_AFTER_MS
          ? 'connected'
          : 'idle';
    const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
    return {
      connector,
      status,
      events: c.events,
      badSignatures: c.badSignatures,
      authFailures: c.authFailures,
      malformed: c.malformed,
      badSignatureRate: signed ? bad / signed : 0,
      lastEventAt: iso(c.lastEventAt),
      sent: c.sent,
      sendFailures: c.sendFailures,
      lastSentAt: iso(c.lastSentAt),
      lastError: c.lastError ? { at: new Date(c.lastError.at).toISOString(), message: c.lastError.message } : null,
    };
  }

  all(): ConnectorStatus[] {
    return CONNECTORS.map((c) => this.status(c));
  }

  private get(connector: ConnectorName): Counters {
    return this.counters.get(connector)!;
  }

  private bucket(c: Counters, at: number): [number, number, number] {
    const minute = Math.floor(at / 60_000);
    let last = c.minutes[c.minutes.length - 1];
    if (!last || last[0] !== minute) {
      last = [minute, 0, 0];
      c.minutes.push(last);
      if (c.minutes.length > 60) c.minutes.shift();
    }
    return last;
  }
}

function emptyCounters(): Counters {
  return {
    events: 0,
    badSignatures: 0,
    authFailures: 0,
    malformed: 0,
    sent: 0,
    sendFailures: 0,
    lastEventAt: null,
    lastSentAt: null,
    lastGoodAt: null,
    lastBadAt: null,
    lastError: null,
    minutes: [],
  };
}
