import type { FastifyBaseLogger } from 'fastify';
import type { AlertWebhookBody } from './spikeAlert';

/**
 * POSTs company alerts as JSON to SWITCHBOARD_ALERT_WEBHOOK_URL: each attempt with a timeout, a
 * network error, a timeout, a 429 or a 5xx retried after the next delay, anything else logged and
 * dropped. It never throws: an alert is already stored and shown to leads before it is sent here.
 * Not durable: retries still waiting when the server stops are logged and dropped.
 */

export interface AlertWebhookOptions {
  url: string;
  log: Pick<FastifyBaseLogger, 'info' | 'warn' | 'error'>;
  /** Per attempt (default 5 s). */
  timeoutMs?: number;
  /** Waits before each retry (default 1 s, 5 s, 15 s: four attempts in about 20 s). */
  retryDelaysMs?: readonly number[];
}

export interface AlertWebhookStatus {
  delivered: number;
  failed: number;
  lastError: { at: string; message: string } | null;
}

export interface AlertWebhook {
  /** Resolves once delivered or given up; never rejects. */
  send(body: AlertWebhookBody): Promise<void>;
  status(): AlertWebhookStatus;
  /** Cancels waiting retries (the attempt in flight finishes or times out). */
  close(): void;
}

const DEFAULT_RETRY_DELAYS_MS = [1000, 5000, 15_000];

export function createAlertWebhook(options: AlertWebhookOptions): AlertWebhook {
  const timeoutMs = options.timeoutMs ?? 5000;
  const delays = options.retryDelaysMs ?? DEFAULT_RETRY_DELAYS_MS;
  const closing = new AbortController();
  const counters: AlertWebhookStatus = { delivered: 0, failed: 0, lastError: null };

  /** One attempt: null when delivered, else why not and whether another attempt may work. */
  async function attempt(body: AlertWebhookBody): Promise<{ error: string; retryable: boolean } | null> {
    try {
      const response = await fetch(options.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Switchboard-alerts/1',
          // The same alert sent again after a timeout whose request did arrive: receivers can dedupe.
          'idempotency-key': body.alert.id,
        },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      // Drain the body so the connection is reused; its content does not matter.
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return null;
      const retryable = response.status === 429 || response.status >= 500;
      return { error: `the webhook answered ${response.status}`, retryable };
    } catch (err) {
      const timedOut = err instanceof Error && err.name === 'TimeoutError';
      return {
        error: timedOut ? `no answer within ${timeoutMs} ms` : `the webhook could not be reached (${describe(err)})`,
        retryable: true,
      };
    }
  }

  function giveUp(details: { alertId: string; attempts: number; error: string }): void {
    counters.failed++;
    counters.lastError = { at: new Date().toISOString(), message: details.error };
    options.log.error(
      details,
      `company alert not delivered to SWITCHBOARD_ALERT_WEBHOOK_URL: ${details.error}; leads still see it in Switchboard`,
    );
  }

  return {
    async send(body) {
      for (let i = 0; ; i++) {
        const failure = await attempt(body);
        if (!failure) {
          counters.delivered++;
          options.log.info({ alertId: body.alert.id, attempts: i + 1 }, 'company alert sent to the alert webhook');
          return;
        }
        const delay = delays[i];
        const details = { alertId: body.alert.id, attempts: i + 1, error: failure.error };
        if (!failure.retryable || delay === undefined) return giveUp(details);
        const stopped = { ...details, error: `${failure.error}; the server stopped before a retry` };
        if (closing.signal.aborted) return giveUp(stopped);
        options.log.warn({ ...details, retryInMs: delay }, 'alert webhook failed; retrying');
        await sleep(delay, closing.signal);
        if (closing.signal.aborted) return giveUp(stopped);
      }
    },
    status: () => ({ ...counters }),
    close: () => closing.abort(),
  };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done, { once: true });
  });
}

function describe(err: unknown): string {
  if (!(err instanceof Error)) return String(err);
  // undici hides the reason (ECONNREFUSED, ENOTFOUND) in `cause`.
  const cause = (err as Error & { cause?: unknown }).cause;
  return cause instanceof Error ? `${err.message}: ${cause.message}` : err.message;
}
