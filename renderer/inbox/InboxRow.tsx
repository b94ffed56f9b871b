import { memo } from 'react';
import { CHANNEL_LABELS, CHANNEL_MARKS, compactCount } from './channels';
import type { InboxItem } from './inboxItem';
import { slaClock } from './slaClock';

const STATUS_LABELS: Record<InboxItem['status'], string> = {
  queued: 'Queued',
  offered: 'Offered',
  assigned: 'Open',
  wrap_up: 'Wrap-up',
  resolved: 'Resolved',
  reopened: 'Reopened',
};

export interface InboxRowProps {
  item: InboxItem;
  customerName: string;
  unread: boolean;
  active: boolean;
  now: number;
  index: number;
  count: number;
  onOpen: (id: string) => void;
}

/**
 * One conversation in the inbox. Everything in it came from customers or the network, so it is
 * rendered as text only.
 */
export const InboxRow = memo(function InboxRow({
  item,
  customerName,
  unread,
  active,
  now,
  index,
  count,
  onOpen,
}: InboxRowProps) {
  const sla = slaClock(item.sla, now, item.createdAt || undefined);
  const band = item.band;
  return (
    <div
      id={`inbox-row-${item.id}`}
      role="option"
      aria-selected={active}
      aria-posinset={index + 1}
      aria-setsize={count}
      className={`inbox-row${active ? ' active' : ''}${unread ? ' unread' : ''}`}
      data-testid="inbox-row"
      data-conversation-id={item.id}
      data-sla={sla.state}
      data-unread={unread}
      onClick={() => onOpen(item.id)}
    >
      {/* Labels ride on the marks themselves (role img): hidden text spans cost layout in every row. */}
      <span
        className={`channel-mark channel-${item.channel}`}
        role="img"
        aria-label={CHANNEL_LABELS[item.channel]}
        title={CHANNEL_LABELS[item.channel]}
      >
        {CHANNEL_MARKS[item.channel]}
      </span>
      <span className="row-main">
        <span className="row-top">
          {unread && <span className="unread-dot" data-testid="unread" role="img" aria-label="Unread" />}
          <span className="customer">{customerName || 'Unknown customer'}</span>
          <span className="status">{STATUS_LABELS[item.status]}</span>
        </span>
        <span className="subject">{item.subject || item.preview || CHANNEL_LABELS[item.channel]}</span>
      </span>
      <span className="row-facts">
        {sla.state !== 'none' && (
          <span className={`sla sla-${sla.state}`} data-testid="sla">
            <span className="visually-hidden">{sla.state === 'breached' ? 'SLA breached:' : 'SLA due in'}</span>{' '}
            {sla.label}
          </span>
        )}
        <span className="facts-line">
          <span
            className={`sentiment sentiment-${band}`}
            role="img"
            aria-label={`Sentiment ${band}`}
            title={`Sentiment ${band}`}
          />
          <span className="priority" title="Priority">
            P{item.priority}
          </span>
          {item.reach > 0 && (
            <span className="reach" title="Reach: followers who can see it">
              {compactCount(item.reach)} reach
            </span>
          )}
        </span>
      </span>
    </div>
  );
});
