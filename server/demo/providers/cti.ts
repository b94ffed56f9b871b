import type { InteractionInput } from '../../../shared/ingest';
import type { CallEvent } from '../../channels/cti/callEvent';
import { CTI_WEBHOOK_PATH } from '../../channels/cti/index';
import type { SignedRequest } from './signedRequest';

/**
 * The demo's phone calls as a telephony platform would report them: the traffic generator's
 * voice interactions (the transcript turns of one call, in order) → the call's event requests to
 * `POST /webhooks/cti` with the bearer token: offered, answered, one transcript segment per turn,
 * ended. So simulated calls go through the real adapter, token check and timeline included.
 */

export type { SignedRequest } from './signedRequest';

export interface CtiEncoderOptions {
  /** CTI_TOKEN of the backend the requests go to. */
  token: string;
  /** The number customers dial (the contact center's line). */
  line?: string;
}

/** The phone rings this long before the agent's greeting (the first turn). */
const RING_MS = 12_000;
/** A turn lasts about this long per character, at least a second, and never past the next turn. */
const SPEECH_MS_PER_CHAR = 60;

/**
 * The event requests of the calls among `interactions`, each call's in order (offered, answered,
 * segments, ended); other channels are skipped. Deterministic: the same call gives the same
 * event ids, so a replay is a redelivery.
 */
export function encodeCtiCalls(interactions: readonly InteractionInput[], options: CtiEncoderOptions): SignedRequest[] {
  const calls = new Map<string, InteractionInput[]>();
  for (const interaction of interactions) {
    if (interaction.channel !== 'voice') continue;
    calls.set(interaction.threadKey, [...(calls.get(interaction.threadKey) ?? []), interaction]);
  }
  return [...calls.values()].flatMap((turns) => callEvents(turns, options).map((event) => request(event, options)));
}

/** One call's events: the generator's turns carry the caller, the time and the speaker of each line. */
export function callEvents(turns: readonly InteractionInput[], options: Pick<CtiEncoderOptions, 'line'>): CallEvent[] {
  const first = turns[0];
  if (!first) return [];
  const callId = first.threadKey;
  const caller = {
    from: first.author.value,
    ...(first.author.displayName ? { callerName: first.author.displayName } : {}),
  };
  const startsAt = turns.map((t) => Date.parse(t.occurredAt));
  const answeredAt = startsAt[0]! - 1000;
  const offeredAt = answeredAt - RING_MS;
  const ends = turns.map((turn, i) => {
    const spoken = Math.max(1000, turn.text.length * SPEECH_MS_PER_CHAR);
    const next = startsAt[i + 1];
    return next === undefined ? startsAt[i]! + spoken : Math.max(startsAt[i]!, Math.min(startsAt[i]! + spoken, next));
  });
  const at = (ms: number) => new Date(ms).toISOString();
  const base = { callId, ...caller };
  return [
    {
      ...base,
      eventId: `${callId}:offered`,
      type: 'call.offered',
      occurredAt: at(offeredAt),
      ...(options.line ? { to: options.line } : {}),
    },
    { ...base, eventId: `${callId}:answered`, type: 'call.answered', occurredAt: at(answeredAt) },
    ...turns.map((turn, i): CallEvent => ({
      ...base,
      eventId: turn.providerMessageId,
      type: 'transcript.segment',
      occurredAt: turn.occurredAt,
      segment: {
        speaker: turn.speaker ?? 'customer',
        text: turn.text,
        startMs: startsAt[i]! - answeredAt,
        endMs: ends[i]! - answeredAt,
      },
    })),
    { ...base, eventId: `${callId}:ended`, type: 'call.ended', occurredAt: at(ends.at(-1)! + 1000) },
  ];
}

function request(event: CallEvent, options: CtiEncoderOptions): SignedRequest {
  return {
    method: 'POST',
    path: CTI_WEBHOOK_PATH,
    headers: { 'content-type': 'application/json', authorization: `Bearer ${options.token}` },
    body: JSON.stringify(event),
  };
}
