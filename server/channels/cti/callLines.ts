import type { CallEvent } from './callEvent';
import type { CallSoFar } from './callRecord';

/** "45 s", "4 min 12 s", "1 h 3 min": how long a call, a wait or a hold lasted. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000));
  if (seconds < 60) return `${seconds} s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 60) return seconds % 60 ? `${minutes} min ${seconds % 60} s` : `${minutes} min`;
  return minutes % 60 ? `${Math.floor(minutes / 60)} h ${minutes % 60} min` : `${Math.floor(minutes / 60)} h`;
}

const since = (from: Date | null, event: CallEvent) =>
  from ? formatDuration(new Date(event.occurredAt).getTime() - from.getTime()) : null;

/**
 * The transcript line a call event becomes: what was said for a segment, and for call control a
 * system line QA reads the call's course from (rang, answered, on hold, transferred, ended).
 */
export function callLine(
  event: CallEvent,
  call: CallSoFar,
): { speaker: 'customer' | 'agent' | 'system'; text: string } {
  switch (event.type) {
    case 'transcript.segment':
      return { speaker: event.segment!.speaker, text: event.segment!.text };
    case 'call.offered': {
      const caller = event.callerName ? `${event.callerName} (${event.from})` : event.from;
      return { speaker: 'system', text: `Incoming call from ${caller}${event.to ? ` to ${event.to}` : ''}` };
    }
    case 'call.answered': {
      const rang = since(call.offeredAt, event);
      const by = call.assigneeName ? ` by ${call.assigneeName}` : '';
      return { speaker: 'system', text: `Call answered${by}${rang ? ` after ${rang}` : ''}` };
    }
    case 'call.held':
      return { speaker: 'system', text: 'Call on hold' };
    case 'call.resumed': {
      const held = since(call.heldAt, event);
      return { speaker: 'system', text: held ? `Call resumed after ${held} on hold` : 'Call resumed' };
    }
    case 'call.transferred':
      return {
        speaker: 'system',
        text: event.transferTarget ? `Transferred to ${event.transferTarget}` : 'Call transferred',
      };
    case 'call.ended': {
      if (call.answeredAt) return { speaker: 'system', text: `Call ended after ${since(call.answeredAt, event)}` };
      const waited = since(call.offeredAt, event);
      return {
        speaker: 'system',
        text: waited ? `Caller hung up after ${waited}, before anyone answered` : 'Call ended before anyone answered',
      };
    }
  }
}
