import type { InteractionInput } from '../../shared/ingest';
import { playChatSession } from './providers/chat';
import { providerSteps, type ProviderSecrets } from './providers/providerTraffic';
import type { SignedRequest } from './providers/signedRequest';
import { createTrafficGenerator } from './traffic';

/**
 * Live demo traffic at a steady rate. With `providers` (as `npm start` runs it), each event goes
 * through the channel adapters' real endpoints as its provider would send it: signed X and Meta
 * webhooks, raw MIME email, CTI call events, web chat visitors on `/chat`. Without, the generator's
 * interactions are posted to `POST {baseUrl}/api/ingest`. It never throws and never keeps the process alive: a failed
 * POST is counted and logged, the timer is unref'd, and `stop()` lets in-flight requests finish.
 */

export interface SimulatorOptions {
  baseUrl: string;
  ingestKey: string;
  /** The providers' secrets as the backend is configured: send through the channel adapters. */
  providers?: ProviderSecrets;
  /** Events per second (an event may be several interactions, e.g. a call transcript). May be fractional. */
  ratePerSecond: number;
  /** Seed of the traffic generator; random when omitted, so restarts do not replay the same ids. */
  seed?: number;
  /** Where failures and notable things go; console.warn when omitted. */
  log?: (message: string, details?: Record<string, unknown>) => void;
  /** Requests in flight at most (default 4). Interactions of one event are posted in order. */
  maxInFlight?: number;
  /** Per-request timeout (default 10 s). */
  requestTimeoutMs?: number;
}

export interface SimulatorStats {
  /** POSTs issued. */
  sent: number;
  /** Answered 2xx with status "accepted". */
  accepted: number;
  /** Answered 2xx with status "duplicate". */
  duplicates: number;
  /** Network errors, timeouts and non-2xx answers. */
  failed: number;
}

export interface Simulator {
  /** Stops the timer, drops queued events and waits for the requests in flight. */
  stop(): Promise<void>;
  stats(): SimulatorStats;
  /** Posts a burst of public posts matching the viral-complaint listening rule, on top of the rate. */
  spike(): void;
}

/** Events waiting for a free slot beyond this are skipped rather than piling up behind a slow server. */
const QUEUE_PER_SLOT = 4;
/** Failures are logged at most this often (with a count of the ones in between). */
const FAILURE_LOG_INTERVAL_MS = 10_000;

export function startSimulator(options: SimulatorOptions): Simulator {
  const seed = options.seed ?? crypto.getRandomValues(new Uint32Array(1))[0]!;
  const generator = createTrafficGenerator(seed);
  const base = options.baseUrl.replace(/\/+$/u, '');
  const url = `${base}/api/ingest`;
  const log =
    options.log ??
    ((message: string, details?: Record<string, unknown>) => console.warn(`[simulator] ${message}`, details ?? ''));
  const maxInFlight = Math.max(1, Math.floor(options.maxInFlight ?? 4));
  const timeoutMs = options.requestTimeoutMs ?? 10_000;
  const rate = Number.isFinite(options.ratePerSecond) ? Math.max(0, options.ratePerSecond) : 0;

  const counters: SimulatorStats = { sent: 0, accepted: 0, duplicates: 0, failed: 0 };
  const queue: InteractionInput[][] = [];
  const active = new Set<Promise<void>>();
  let stopped = false;
  let skipped = 0;
  let lastFailureLog = -Infinity;
  let unloggedFailures = 0;

  function failure(message: string, details: Record<string, unknown>): void {
    counters.failed++;
    const now = Date.now();
    if (now - lastFailureLog < FAILURE_LOG_INTERVAL_MS) {
      unloggedFailures++;
      return;
    }
    lastFailureLog = now;
    log(message, unloggedFailures > 0 ? { ...details, suppressedSinceLast: unloggedFailures } : details);
    unloggedFailures = 0;
  }

  async function post(interaction: InteractionInput): Promise<void> {
    counters.sent++;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${options.ingestKey}` },
        body: JSON.stringify(interaction),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) {
        failure(`POST /api/ingest answered ${response.status}`, {
          status: response.status,
          body: text.slice(0, 300),
          providerMessageId: interaction.providerMessageId,
        });
        return;
      }
      let status: unknown;
      try {
        status = (JSON.parse(text) as { status?: unknown }).status;
      } catch {
        status = undefined;
      }
      if (status === 'duplicate') counters.duplicates++;
      else counters.accepted++;
    } catch (error) {
      failure('POST /api/ingest failed', {
        error: error instanceof Error ? error.message : String(error),
        providerMessageId: interaction.providerMessageId,
      });
    }
  }

  /** One signed webhook request to an adapter; counted like an ingestion. */
  async function deliver(request: SignedRequest): Promise<void> {
    counters.sent++;
    try {
      const response = await fetch(`${base}${request.path}`, {
        method: request.method,
        headers: request.headers,
        body: request.body,
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.text();
      if (!response.ok) {
        failure(`POST ${request.path} answered ${response.status}`, {
          status: response.status,
          body: text.slice(0, 300),
        });
        return;
      }
      let answer: { accepted?: unknown; duplicates?: unknown; status?: unknown } = {};
      try {
        answer = JSON.parse(text) as typeof answer;
      } catch {
        // An adapter that answers without a body still took it.
      }
      if (answer.status === 'duplicate' || (answer.accepted === 0 && Number(answer.duplicates) > 0))
        counters.duplicates++;
      else counters.accepted++;
    } catch (error) {
      failure(`POST ${request.path} failed`, { error: error instanceof Error ? error.message : String(error) });
    }
  }

  async function run(event: InteractionInput[]): Promise<void> {
    if (!options.providers) {
      // In order: transcript turns and thread replies arrive as the provider would send them.
      for (const interaction of event) {
        if (stopped) return;
        await post(interaction);
      }
      return;
    }
    for (const step of await providerSteps(event, options.providers)) {
      if (stopped) return;
      if (step.kind === 'request') {
        await deliver(step.request);
        continue;
      }
      counters.sent += step.session.messages.length;
      try {
        const answers = await playChatSession(step.session, { baseUrl: base, timeoutMs });
        for (const answer of answers) {
          if (answer.ok) counters.accepted++;
          else failure('a web chat line was refused', { error: answer.error });
        }
      } catch (error) {
        failure('a web chat visitor could not connect', {
          error: error instanceof Error ? error.message : String(error),
        });
      }
    }
  }

  function pump(): void {
    while (!stopped && active.size < maxInFlight && queue.length > 0) {
      const event = queue.shift()!;
      const task: Promise<void> = run(event).finally(() => {
        active.delete(task);
        pump();
      });
      active.add(task);
    }
  }

  function enqueue(event: InteractionInput[]): void {
    if (event.length > 0) queue.push(event);
  }

  // A fine-grained tick with an event budget: fractional rates come out right on average, and a
  // stalled event loop does not make up for lost time with a burst beyond the queue bound.
  const startedAt = performance.now();
  let dispatched = 0;
  let timer: ReturnType<typeof setInterval> | undefined;
  if (rate > 0) {
    const tickMs = Math.max(10, Math.min(250, 1000 / rate));
    const tick = (): void => {
      if (stopped) return;
      const due = Math.floor(((performance.now() - startedAt) / 1000) * rate) + 1;
      while (dispatched < due) {
        dispatched++;
        if (queue.length >= maxInFlight * QUEUE_PER_SLOT) {
          skipped++;
          continue;
        }
        enqueue(generator.next(new Date()));
      }
      pump();
    };
    timer = setInterval(tick, tickMs);
    timer.unref();
    tick();
  }

  return {
    async stop(): Promise<void> {
      if (!stopped) {
        stopped = true;
        if (timer) clearInterval(timer);
        queue.length = 0;
        if (skipped > 0) log(`skipped ${skipped} events while the backend was behind`, { skipped });
      }
      await Promise.allSettled([...active]);
    },
    stats: () => ({ ...counters }),
    spike(): void {
      if (stopped) return;
      // Each post on its own, so the burst spreads over every free slot.
      for (const interaction of generator.spike(new Date())) enqueue([interaction]);
      pump();
    },
  };
}
