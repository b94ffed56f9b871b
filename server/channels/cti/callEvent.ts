import { z } from 'zod';
import { TimestampSchema } from '../../../shared/domain';

/**
 * One call event as the telephony platform posts it to `POST /webhooks/cti`. Modelled on Amazon
 * Connect's contact events (an event id to deduplicate on, the contact id, INITIATED / QUEUED /
 * CONNECTED_TO_AGENT / DISCONNECTED, transfers) with Contact Lens real-time transcript segments
 * (ParticipantRole CUSTOMER / AGENT / SYSTEM, Content, BeginOffsetMillis, EndOffsetMillis) and
 * Twilio's status callbacks (From / To in E.164, CallerName), flattened to one JSON object per
 * request. Fields a platform adds later are ignored, as those platforms ask their consumers to do.
 */
export const CALL_EVENT_TYPES = [
  'call.offered',
  'call.answered',
  'call.held',
  'call.resumed',
  'call.transferred',
  'call.ended',
  'transcript.segment',
] as const;
export type CallEventType = (typeof CALL_EVENT_TYPES)[number];

/** A provider id: printable ASCII without spaces, as call and event ids are on every platform. */
const ProviderId = z
  .string()
  .min(1)
  .max(200)
  .regex(/^[\x21-\x7e]+$/u, 'printable ASCII without spaces');

const E164 = z.string().regex(/^\+[1-9]\d{6,14}$/u, 'a phone number in E.164 form, such as +14155550123');

/** Offsets into the call: a week is more than any call lasts. */
const OffsetMs = z
  .number()
  .int()
  .min(0)
  .max(7 * 86_400_000);

export const TranscriptSegmentSchema = z
  .object({
    speaker: z.enum(['customer', 'agent', 'system']),
    text: z.string().trim().min(1).max(20_000),
    startMs: OffsetMs,
    endMs: OffsetMs,
  })
  .refine((s) => s.endMs >= s.startMs, { message: 'endMs must not be before startMs', path: ['endMs'] });

export const CallEventSchema = z
  .object({
    eventId: ProviderId,
    callId: ProviderId,
    type: z.enum(CALL_EVENT_TYPES),
    occurredAt: TimestampSchema,
    /** The caller. */
    from: E164,
    /** The number they dialled (our line). */
    to: E164.optional(),
    callerName: z.string().trim().min(1).max(200).optional(),
    /** Where a transfer went: a queue, an agent or a number. */
    transferTarget: z.string().trim().min(1).max(200).optional(),
    segment: TranscriptSegmentSchema.optional(),
  })
  .superRefine((event, issues) => {
    if (event.type === 'transcript.segment' && !event.segment) {
      issues.addIssue({ code: 'custom', path: ['segment'], message: 'a transcript.segment event carries its segment' });
    }
    if (event.type !== 'transcript.segment' && event.segment) {
      issues.addIssue({ code: 'custom', path: ['segment'], message: `a ${event.type} event carries no segment` });
    }
  });
export type CallEvent = z.infer<typeof CallEventSchema>;
