import type { InteractionInput } from '../../../shared/ingest';
import { withChanges } from '../../sync/changeLog';
import type { ChannelContext, IngestBatchOutcome, IngestResult } from '../types';
import { appendToClosedCall, applyCallEffects, type CallRouting } from './afterCall';
import type { CallEvent } from './callEvent';
import { callLine } from './callLines';
import { alreadyRecorded, loadCall, recordCallEvent } from './callRecord';

/** PostgreSQL refuses U+0000 in text and lone surrogates in jsonb; a caller's name may carry either. */
// eslint-disable-next-line no-control-regex -- U+0000 is the character looked for
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;
const storable = (text: string) => text.replace(UNSTORABLE, '\uFFFD');

export function storableEvent(event: CallEvent): CallEvent {
  return {
    ...event,
    ...(event.callerName !== undefined ? { callerName: storable(event.callerName) } : {}),
    ...(event.transferTarget !== undefined ? { transferTarget: storable(event.transferTarget) } : {}),
    ...(event.segment ? { segment: { ...event.segment, text: storable(event.segment.text) } } : {}),
  };
}

/** The interaction a call event files on the call's conversation (channel voice, thread the call id). */
export function callInteraction(event: CallEvent, line: ReturnType<typeof callLine>): InteractionInput {
  return {
    provider: 'cti',
    providerMessageId: event.eventId,
    channel: 'voice',
    threadKey: event.callId,
    kind: 'transcript',
    author: { kind: 'phone', value: event.from, ...(event.callerName ? { displayName: event.callerName } : {}) },
    text: line.text,
    speaker: line.speaker,
    occurredAt: event.occurredAt,
    meta: {
      callId: event.callId,
      eventId: event.eventId,
      event: event.type,
      ...(event.segment ? { startMs: event.segment.startMs, endMs: event.segment.endMs } : {}),
      ...(event.type === 'call.offered' ? { from: event.from, to: event.to ?? null } : {}),
      ...(event.transferTarget ? { transferTarget: event.transferTarget } : {}),
    },
  };
}

/**
 * Applies one call event: its line goes into the call's transcript through the ingestion path (a
 * new call is routed there as a voice offer with the accept timeout), then the event is recorded in
 * the call's timeline with the state change it brings (answered, ended → wrap-up), in one
 * transaction. Recorded last, so an event whose line could not be stored (load shed) is applied
 * in full when the platform redelivers it; a redelivery after that is a duplicate.
 */
export async function receiveCallEvent(
  ctx: ChannelContext,
  event: CallEvent,
  routing?: CallRouting,
): Promise<IngestBatchOutcome> {
  const duplicate: IngestResult = { status: 'duplicate', conversationId: null, messageId: null };
  if (await alreadyRecorded(ctx.db, event.eventId)) return { status: 'stored', results: [duplicate] };

  const call = await loadCall(ctx.db, event.callId);
  const line = callLine(event, call);
  const interaction = callInteraction(event, line);
  // A call that is over never opens (or reopens) a conversation: late lines go on the record only.
  const over =
    call.conversation?.status === 'resolved' || (!call.conversation && (call.ended || event.type === 'call.ended'));

  let result: IngestResult = { status: 'accepted', conversationId: call.conversation?.id ?? null, messageId: null };
  if (!over) {
    const outcome = await ctx.ingest('cti', [interaction]);
    if (outcome.status !== 'stored') return outcome;
    result = outcome.results[0]!;
  }

  const now = new Date(ctx.now());
  const { value, changes } = await retryDeadlock(() =>
    withChanges(ctx.db, async (tx, writer) => {
      if (!(await recordCallEvent(tx, event, result.conversationId, now))) return { result: duplicate, freed: null };
      if (over && call.conversation) {
        const message = await appendToClosedCall(tx, writer, call.conversation, {
          providerMessageId: interaction.providerMessageId,
          speaker: line.speaker,
          text: line.text,
          occurredAt: event.occurredAt,
          meta: interaction.meta ?? {},
        });
        result = { ...result, messageId: message?.id ?? null };
      }
      const freed = result.conversationId
        ? await applyCallEffects(tx, writer, event, result.conversationId, call, now)
        : null;
      return { result, freed };
    }),
  );
  ctx.push(changes);
  if (value.freed) routing?.capacityFreed(value.freed, 'voice');
  return { status: 'stored', results: [value.result] };
}

/**
 * On PostgreSQL the wrap-up's row lock can meet an agent's op on the same call the other way round;
 * the loser is rolled back whole and runs again, as ingestion does.
 */
async function retryDeadlock<T>(run: () => Promise<T>): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await run();
    } catch (err) {
      if ((err as { code?: string }).code !== '40P01' || attempt >= 3) throw err;
    }
  }
}
