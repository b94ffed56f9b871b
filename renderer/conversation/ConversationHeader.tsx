import { CHANNEL_LABELS, CHANNEL_MARKS, compactCount } from '../inbox/channels';
import { sentimentBand } from '../inbox/inboxItem';
import { slaClock } from '../inbox/slaClock';
import { useNow } from '../inbox/useNow';
import type { Conversation } from './rows';
import { timeOf } from './rows';
import { collisionText, formatWhen, STATUS_LABELS, type OtherViewer } from './words';

const SLA_TARGETS = { first_response: 'First response', next_response: 'Next response', resolution: 'Resolution' };

/** Who, where, how urgent; and whether a colleague is in this conversation too. */
export function ConversationHeader({
  conversation,
  customerName,
  titleId,
  others,
  onClose,
}: {
  conversation: Conversation;
  customerName: string;
  titleId: string;
  others: OtherViewer[];
  onClose?: (() => void) | undefined;
}) {
  const now = useNow(1000);
  const sla = slaClock(conversation, now, timeOf(conversation.createdAt) ?? undefined);
  const band = sentimentBand(conversation.sentiment);
  const collision = collisionText(others);
  const channel = conversation.channel;
  return (
    <header className="cv-header" data-testid="conversation-header">
      <div className="cv-title-line">
        <h2 id={titleId} className="cv-customer" data-testid="conversation-customer">
          {customerName || 'Unknown customer'}
        </h2>
        <span className={`cv-channel cv-channel-${channel}`} data-testid="conversation-channel">
          <span aria-hidden="true">{CHANNEL_MARKS[channel]}</span> {CHANNEL_LABELS[channel]}
        </span>
        <span className={`cv-status cv-status-${conversation.status}`} data-testid="conversation-status">
          <span className="visually-hidden">Status: </span>
          {STATUS_LABELS[conversation.status]}
        </span>
        {onClose && (
          <button type="button" className="cv-close" onClick={onClose}>
            Close
          </button>
        )}
      </div>
      {conversation.subject && <p className="cv-subject">{conversation.subject}</p>}
      <dl className="cv-facts">
        {sla.state !== 'none' && sla.target && (
          <div className={`cv-sla cv-sla-${sla.state}`} data-testid="conversation-sla" data-sla={sla.state}>
            <dt>{SLA_TARGETS[sla.target]}</dt>
            <dd>{sla.remainingMs !== null && sla.remainingMs < 0 ? sla.label : `due in ${sla.label}`}</dd>
          </div>
        )}
        <div className={`cv-sentiment cv-sentiment-${band}`}>
          <dt>Sentiment</dt>
          <dd>{band}</dd>
        </div>
        <div>
          <dt>Reach</dt>
          <dd title={`${conversation.reach} people can see it`}>{compactCount(conversation.reach)}</dd>
        </div>
        <div>
          <dt>Priority</dt>
          <dd>P{conversation.priority}</dd>
        </div>
        {conversation.lastInboundAt && (
          <div>
            <dt>Customer last wrote</dt>
            <dd>
              <time dateTime={conversation.lastInboundAt}>{formatWhen(conversation.lastInboundAt)}</time>
            </dd>
          </div>
        )}
      </dl>
      {/* Always present, so the status region announces a colleague arriving. */}
      <p className="cv-collision" role="status" data-testid="collision-warning">
        {collision}
      </p>
    </header>
  );
}
