import type { Channel } from './domain';

/**
 * Messenger's messaging window: a page may answer a person freely for 24 hours after their last
 * message (`messaging_type: RESPONSE`), then, for a human agent's answer only, up to 7 days with
 * the HUMAN_AGENT tag; after that Messenger refuses any message until the person writes again.
 * One rule for the composer (what it allows), the reply op (refuse early) and the sender (which
 * `messaging_type` goes out).
 */

export const STANDARD_WINDOW_MS = 24 * 3600_000;
export const HUMAN_AGENT_WINDOW_MS = 7 * 24 * 3600_000;

export type MessagingWindowState = 'standard' | 'human_agent' | 'closed' | 'not_applicable';

export interface MessagingWindow {
  state: MessagingWindowState;
  /** When the current state ends (ISO); null when closed or not applicable. */
  closesAt: string | null;
  /** The Send API's `messaging_type` for a reply now; null when none may go. */
  messagingType: 'RESPONSE' | 'MESSAGE_TAG' | null;
  tag: 'HUMAN_AGENT' | null;
  /** One sentence an agent can act on. */
  explanation: string;
}

type Instant = Date | string | number;

function ms(value: Instant): number {
  return value instanceof Date ? value.getTime() : typeof value === 'number' ? value : Date.parse(value);
}

/** "5 h", "45 min", "2 days": rounded down, so the agent is never promised time they do not have. */
export function describeSpan(spanMs: number): string {
  const minutes = Math.floor(Math.max(0, spanMs) / 60_000);
  const hours = Math.floor(minutes / 60);
  const days = Math.floor(hours / 24);
  if (days >= 2) return `${days} days`;
  if (hours >= 1) return `${hours} h`;
  return minutes >= 1 ? `${minutes} min` : 'less than a minute';
}

export function messagingWindow(
  channel: Channel,
  lastInboundAt: Instant | null | undefined,
  now: Instant,
): MessagingWindow {
  if (channel !== 'messenger') {
    return { state: 'not_applicable', closesAt: null, messagingType: null, tag: null, explanation: '' };
  }
  const last = lastInboundAt === null || lastInboundAt === undefined ? NaN : ms(lastInboundAt);
  const at = ms(now);
  if (Number.isNaN(last)) {
    return {
      state: 'closed',
      closesAt: null,
      messagingType: null,
      tag: null,
      explanation:
        'The customer has not written on Messenger yet, so Messenger allows no reply: answer by email if the customer has an address.',
    };
  }
  // A clock a little behind the provider's must not turn a fresh message into a closed window.
  const elapsed = Math.max(0, at - last);
  if (elapsed < STANDARD_WINDOW_MS) {
    const closesAt = last + STANDARD_WINDOW_MS;
    return {
      state: 'standard',
      closesAt: new Date(closesAt).toISOString(),
      messagingType: 'RESPONSE',
      tag: null,
      explanation: `Standard messaging window: ${describeSpan(closesAt - at)} left.`,
    };
  }
  if (elapsed < HUMAN_AGENT_WINDOW_MS) {
    const closesAt = last + HUMAN_AGENT_WINDOW_MS;
    return {
      state: 'human_agent',
      closesAt: new Date(closesAt).toISOString(),
      messagingType: 'MESSAGE_TAG',
      tag: 'HUMAN_AGENT',
      explanation: `Human agent tag: ${describeSpan(closesAt - at)} left — use it only for a human agent's answer.`,
    };
  }
  return {
    state: 'closed',
    closesAt: null,
    messagingType: null,
    tag: null,
    explanation: `Messenger window closed ${describeSpan(elapsed - HUMAN_AGENT_WINDOW_MS)} ago: Messenger allows replies up to 7 days after the customer's last message. Answer by email if the customer has an address, or wait for them to write again.`,
  };
}
