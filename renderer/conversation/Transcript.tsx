import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useLayoutEffect, useRef } from 'react';
import type { SyncDb } from '../sync/db';
import { AttachmentList } from './AttachmentList';
import { MessageSchema, parseRows, type Message } from './rows';
import { formatWhen } from './words';

/** Near enough to the end that a new message keeps the view on the newest. */
const STICK_PX = 48;

const SPEAKERS: Record<string, string> = { agent: 'Agent', customer: 'Customer', system: 'System' };

export interface TranscriptData {
  messages: Message[];
  /** Messages whose op is still in the outbox: shown as queued. */
  pending: Set<string>;
}

/** A conversation's messages as the mirror holds them, oldest first, parsed. */
export async function loadMessages(db: SyncDb, conversationId: string): Promise<Message[]> {
  const rows = await db.messages
    .where('[conversationId+createdAt]')
    .between([conversationId, Dexie.minKey], [conversationId, Dexie.maxKey])
    .toArray();
  return parseRows(MessageSchema, rows);
}

export function useTranscript(db: SyncDb, conversationId: string): TranscriptData | undefined {
  return useLiveQuery(async () => {
    const messages = await loadMessages(db, conversationId);
    const keys = messages.map((m) => `message:${m.id}`);
    const ops = keys.length ? await db.outbox.where('keyIds').anyOf(keys).toArray() : [];
    const pending = new Set(
      ops
        .filter((o) => o.state === 'pending')
        .flatMap((o) => o.keyIds.filter((k) => k.startsWith('message:')).map((k) => k.slice('message:'.length))),
    );
    return { messages, pending };
  }, [db, conversationId]);
}

/** Who wrote a message, as the transcript names them. */
export function messageAuthor(m: Message, customerName: string, agentNames: ReadonlyMap<string, string>): string {
  const agent = (m.authorAgentId && agentNames.get(m.authorAgentId)) || 'Agent';
  switch (m.direction) {
    case 'inbound':
      return customerName || 'Customer';
    case 'outbound':
      return agent;
    case 'note':
      return `Internal note by ${agent}`;
    case 'transcript':
      return SPEAKERS[m.speaker ?? ''] ?? 'Speaker';
  }
}

function audience(m: Message): string {
  if (m.visibility === 'public') return ': anyone can see this';
  return m.direction === 'note' ? ': only your team can see this' : ': only the customer and your team can see this';
}

const KIND: Record<Message['direction'], string> = {
  inbound: 'From the customer',
  outbound: 'Reply',
  note: 'Internal note',
  transcript: 'Call transcript',
};

/**
 * Where a reply is on its way to the customer, once the server has it: sending (the provider has
 * not taken it yet, maybe retrying), sent, or not delivered (the reason shows under the body).
 */
function DeliveryState({ message }: { message: Message }) {
  if (!message.delivery) return null;
  const retrying = message.delivery === 'pending' && message.deliveryError;
  const label = { pending: retrying ? 'Retrying…' : 'Sending…', sent: 'Sent', failed: 'Not delivered' }[
    message.delivery
  ];
  return (
    <span
      className={`cv-delivery cv-delivery-${message.delivery}`}
      data-testid="delivery"
      data-delivery={message.delivery}
      title={retrying ? `The provider did not take it yet: ${message.deliveryError}` : undefined}
    >
      {label}
    </span>
  );
}

/**
 * The conversation's messages in order, each saying who wrote it and who can see it. Bodies come
 * from customers and the network: text only, links stay plain text.
 */
export function Transcript({
  data,
  customerName,
  agentNames,
  onRetry,
}: {
  data: TranscriptData | undefined;
  customerName: string;
  agentNames: ReadonlyMap<string, string>;
  /** Sends a not-delivered reply again; absent when the agent cannot act on the conversation. */
  onRetry?: (messageId: string) => void;
}) {
  const list = useRef<HTMLOListElement>(null);
  const stick = useRef(true);
  const messages = data?.messages ?? [];
  const last = messages[messages.length - 1]?.id;

  useLayoutEffect(() => {
    const el = list.current;
    if (el && stick.current) el.scrollTop = el.scrollHeight;
  }, [last, messages.length]);

  if (!data) return <p className="cv-loading">Loading messages…</p>;
  return (
    <ol
      ref={list}
      className="cv-transcript"
      aria-label="Messages"
      data-testid="transcript"
      tabIndex={0}
      onScroll={(e) => {
        const el = e.currentTarget;
        stick.current = el.scrollHeight - el.scrollTop - el.clientHeight < STICK_PX;
      }}
    >
      {messages.length === 0 && <li className="cv-empty">No messages yet.</li>}
      {messages.map((m) => {
        const speaker = m.direction === 'transcript' ? (m.speaker ?? 'unknown') : undefined;
        const queued = data.pending.has(m.id);
        return (
          <li
            key={m.id}
            className={`cv-message cv-${m.direction} cv-${m.visibility}${speaker ? ` cv-speaker-${speaker}` : ''}`}
            data-testid="message"
            data-message-id={m.id}
            data-direction={m.direction}
            data-visibility={m.visibility}
            {...(speaker ? { 'data-speaker': speaker } : {})}
            data-queued={queued}
          >
            <div className="cv-message-meta">
              <span className="cv-author">{messageAuthor(m, customerName, agentNames)}</span>
              <span className="visually-hidden">{KIND[m.direction]}, </span>
              <span className={`cv-badge cv-badge-${m.visibility}`} data-testid="visibility">
                {m.visibility === 'public' ? 'Public' : 'Private'}
                <span className="visually-hidden">{audience(m)}</span>
              </span>
              {m.via === 'email' && (
                <span className="cv-via" data-testid="sent-by-email">
                  by email
                </span>
              )}
              {m.createdAt && (
                <time className="cv-time" dateTime={m.createdAt}>
                  {formatWhen(m.createdAt)}
                </time>
              )}
              {queued && (
                <span
                  className="cv-queued"
                  data-testid="message-queued"
                  title="Saved on this computer; sent when online"
                >
                  Queued
                </span>
              )}
              {!queued && <DeliveryState message={m} />}
            </div>
            <p className="cv-body">{m.body}</p>
            {m.attachmentCount > 0 && <AttachmentList messageId={m.id} count={m.attachmentCount} />}
            {m.delivery === 'failed' && m.deliveryError && (
              <p className="cv-delivery-error" role="alert" data-testid="delivery-error">
                Not delivered: {m.deliveryError}{' '}
                {onRetry && (
                  <button type="button" onClick={() => onRetry(m.id)} data-testid="retry-delivery">
                    Try again
                  </button>
                )}
              </p>
            )}
          </li>
        );
      })}
    </ol>
  );
}
