import { useMemo } from 'react';
import type { Channel } from '../../shared/domain';
import {
  describeSpan,
  HUMAN_AGENT_WINDOW_MS,
  messagingWindow,
  type MessagingWindow,
} from '../../shared/messagingWindow';
import { useNow } from '../inbox/useNow';

/** How often the window's countdown moves: its sentences count minutes at the finest. */
const TICK_MS = 30_000;

export interface MessagingWindowView {
  window: MessagingWindow;
  /** How long ago a closed window closed ("3 days"); null when open or when the customer never wrote. */
  closedFor: string | null;
}

/** Messenger's messaging window for a conversation, moving with the clock. */
export function useMessagingWindow(channel: Channel, lastInboundAt: string | null): MessagingWindowView {
  const now = useNow(TICK_MS);
  return useMemo(() => {
    const state = messagingWindow(channel, lastInboundAt, now);
    const last = lastInboundAt ? Date.parse(lastInboundAt) : NaN;
    const closedFor =
      state.state === 'closed' && !Number.isNaN(last) ? describeSpan(now - last - HUMAN_AGENT_WINDOW_MS) : null;
    return { window: state, closedFor };
  }, [channel, lastInboundAt, now]);
}

/**
 * What Messenger allows now, above the reply: the standard window's time left, the human-agent tag
 * and what it is for, or a closed window and what to do instead (email, when the customer has an
 * address). Nothing on other channels.
 */
export function MessagingWindowNote({
  view,
  emailOffered,
  replyingByEmail,
  onUseEmail,
}: {
  view: MessagingWindowView;
  /** The reply-target picker offers email (the customer has an address). */
  emailOffered: boolean;
  replyingByEmail: boolean;
  onUseEmail: () => void;
}) {
  const { window: messaging, closedFor } = view;
  if (messaging.state === 'not_applicable') return null;
  if (messaging.state !== 'closed') {
    return (
      <p className="cv-window cv-notice" data-testid="messaging-window" data-state={messaging.state} role="status">
        {messaging.explanation}
      </p>
    );
  }
  const closed = closedFor ? `Messenger window closed ${closedFor} ago` : 'The customer has not written on Messenger';
  const sentence = replyingByEmail
    ? `${closed}: this reply goes by email.`
    : emailOffered
      ? `${closed}: answer by email.`
      : `${closed}: Messenger takes no reply until the customer writes again, and there is no email address on file for them.`;
  return (
    <div className="cv-window cv-notice" data-testid="messaging-window" data-state="closed" role="status">
      <p>{sentence}</p>
      {emailOffered && !replyingByEmail && (
        <button type="button" data-testid="use-email" onClick={onUseEmail}>
          Reply by email instead
        </button>
      )}
    </div>
  );
}
