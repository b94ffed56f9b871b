import type { FastifyInstance, FastifyReply } from 'fastify';
import { InteractionSchema, type Interaction, type InteractionInput } from '../../shared/ingest';
import { describeIssues } from '../../shared/settings';
import { sendError } from '../http/errors';
import type { ConnectorHealth, ConnectorName } from './health';
import type { IngestBatchOutcome, IngestResult } from './types';

/**
 * PostgreSQL text and jsonb cannot hold U+0000, and a provider may send it: keep the message,
 * with the character shown as U+FFFD. Runs on the parsed interaction (a few levels deep).
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [withoutNul(key), withoutNul(v)])) as T;
  }
  return value;
}

export interface IngestGateOptions {
  /** Interactions being stored at once before new ones are turned away (load shedding). */
  maxInFlight: number;
  /** True while the event loop lags (PGlite runs on it, so in-flight counts alone never build up). */
  overloaded: () => boolean;
  store: (interaction: Interaction) => Promise<IngestResult>;
}

/**
 * The one way in for every channel: `POST /api/ingest` and each adapter's webhook share its
 * in-flight budget, so a burst on one channel sheds load for all instead of queueing behind PGlite.
 */
export function createIngestGate(options: IngestGateOptions) {
  let inFlight = 0;
  return {
    get inFlight() {
      return inFlight;
    },
    async ingest(interactions: readonly InteractionInput[]): Promise<IngestBatchOutcome> {
      const parsed: Interaction[] = [];
      for (const [index, input] of interactions.entries()) {
        const result = InteractionSchema.safeParse(withoutNul(input));
        if (!result.success) {
          const where = interactions.length > 1 ? `event ${index + 1}: ` : '';
          return { status: 'invalid', reason: `${where}${describeIssues(result.error)}` };
        }
        parsed.push(result.data);
      }
      // Past this many at once the answer would come too late anyway: tell the provider to
      // redeliver shortly (nothing was stored), rather than leave its connection unread.
      if (inFlight >= options.maxInFlight || options.overloaded()) return { status: 'overloaded' };
      inFlight += 1;
      try {
        const results: IngestResult[] = [];
        // In order: a reply must find the thread its parent opened.
        for (const interaction of parsed) results.push(await options.store(interaction));
        return { status: 'stored', results };
      } finally {
        inFlight -= 1;
      }
    },
  };
}
export type IngestGate = ReturnType<typeof createIngestGate>;

/**
 * Gives an adapter's routes the raw request body as a Buffer whatever its content type: the
 * signature is over the exact bytes, and JSON is parsed only after it is verified.
 */
export function rawBodies(scope: FastifyInstance, bodyLimit = 1024 * 1024): void {
  scope.removeAllContentTypeParsers();
  scope.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit }, (_request, body, done) => done(null, body));
}

/** Parses a verified JSON body; undefined when it is not JSON. */
export function parseJson(body: unknown): unknown {
  if (!Buffer.isBuffer(body) || body.length === 0) return undefined;
  try {
    return JSON.parse(body.toString('utf8')) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Answers a webhook after its interactions went through the gate: 200 once stored, 429 with
 * Retry-After when shedding load, 400 with the reason when a mapped interaction is invalid.
 */
export function answerIngest(
  reply: FastifyReply,
  outcome: IngestBatchOutcome,
  connector: ConnectorName,
  health: ConnectorHealth,
) {
  if (outcome.status === 'overloaded') {
    void reply.header('Retry-After', '1');
    return sendError(reply, 429, 'overloaded', 'The server is busy; nothing was stored. Redeliver in a second.');
  }
  if (outcome.status === 'invalid') {
    health.refused(connector, 'malformed', outcome.reason);
    return sendError(reply, 400, 'invalid_event', `The event cannot be stored: ${outcome.reason}`);
  }
  health.event(connector);
  return reply.code(200).send({
    received: outcome.results.length,
    accepted: outcome.results.filter((r) => r.status === 'accepted').length,
    duplicates: outcome.results.filter((r) => r.status === 'duplicate').length,
  });
}

/** A payload that is not what the provider documents: 400, counted, nothing stored. */
export function refuseMalformed(
  reply: FastifyReply,
  connector: ConnectorName,
  health: ConnectorHealth,
  reason: string,
) {
  health.refused(connector, 'malformed', reason);
  return sendError(reply, 400, 'invalid_event', reason);
}

/** A forged or missing signature or token: 401, counted, nothing stored. */
export function refuseUnsigned(
  reply: FastifyReply,
  connector: ConnectorName,
  health: ConnectorHealth,
  why: 'bad_signature' | 'auth_failure',
  message: string,
) {
  health.refused(connector, why, message);
  return sendError(reply, 401, why === 'bad_signature' ? 'bad_signature' : 'unauthorized', message);
}
