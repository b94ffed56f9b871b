import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useMemo, useState } from 'react';
import { useAppStore } from '../store/store';
import { useSync, type SyncHandle } from '../sync/ui/syncContext';
import { Composer } from './Composer';
import { ConversationHeader } from './ConversationHeader';
import { HandlingActions } from './HandlingActions';
import { JourneyPanel } from './JourneyPanel';
import { AgentSchema, ConversationSchema, CustomerSchema, parseRow, parseRows, type Conversation } from './rows';
import { Transcript, useTranscript } from './Transcript';
import { useViewing } from './useViewing';
import { failureSentence } from './words';

export interface ConversationViewProps {
  conversationId: string;
  /** The conversation left the agent's hands here (resolved, transferred, escalated, declined) or they closed it. */
  onClosed?: () => void;
  /** Opens another conversation of the customer's journey; defaults to the workspace's open conversation. */
  onOpenConversation?: (id: string) => void;
}

/** Statuses in which the assignee works on a conversation (the server's rule for replies). */
const WORKING = new Set<Conversation['status']>(['assigned', 'wrap_up', 'reopened']);

type Loaded =
  | { state: 'missing' }
  | { state: 'unreadable' }
  | { state: 'ready'; conversation: Conversation; customerName: string; emailAddress: string | null };

/**
 * One conversation: header, transcript, the customer's journey, the composer and wrap-up. Data is
 * read live from the local mirror; every action goes through the outbox, so it works offline.
 */
export function ConversationView(props: ConversationViewProps) {
  const sync = useSync();
  if (!sync) {
    return (
      <section className="conversation-view" data-testid="conversation-view">
        <p className="cv-empty">Sign in to see this conversation.</p>
      </section>
    );
  }
  // A fresh view per conversation: nothing typed or chosen in one leaks into another.
  return <OpenConversation key={props.conversationId} sync={sync} {...props} />;
}

function OpenConversation({
  sync,
  conversationId,
  onClosed,
  onOpenConversation,
}: ConversationViewProps & { sync: SyncHandle }) {
  const { db, connection, agentId } = sync;
  const titleId = useId();
  const viewing = useViewing(connection, conversationId);
  const sessionAgent = useAppStore((s) => s.session?.agent ?? null);
  const openInWorkspace = useAppStore((s) => s.openConversation);
  const [offerError, setOfferError] = useState<string | null>(null);
  const setCommandError = useAppStore((s) => s.setCommandError);

  const loaded = useLiveQuery(async (): Promise<Loaded> => {
    const row = await db.conversations.get(conversationId);
    if (!row) return { state: 'missing' };
    const conversation = parseRow(ConversationSchema, row);
    if (!conversation) return { state: 'unreadable' };
    const customer = conversation.customerId
      ? parseRow(CustomerSchema, await db.customers.get(conversation.customerId))
      : null;
    // Where a social or chat thread can be answered by email instead.
    const email = conversation.customerId
      ? (await db.identities.where('customerId').equals(conversation.customerId).toArray()).find(
          (i) => i.kind === 'email' && typeof i.value === 'string',
        )
      : undefined;
    return {
      state: 'ready',
      conversation,
      customerName: customer?.displayName ?? '',
      emailAddress: email ? String(email.value) : null,
    };
  }, [db, conversationId]);
  const agents = useLiveQuery(async () => parseRows(AgentSchema, await db.agents.toArray()), [db]);
  const transcript = useTranscript(db, conversationId);

  const agentNames = useMemo(() => new Map((agents ?? []).map((a) => [a.id, a.name])), [agents]);
  const me = agents?.find((a) => a.id === agentId);
  const agentName = me?.name || sessionAgent?.name || '';
  const role = me?.role || sessionAgent?.role || 'agent';

  if (!loaded) {
    return (
      <section className="conversation-view" data-testid="conversation-view" aria-busy="true">
        <p className="cv-loading">Loading the conversation…</p>
      </section>
    );
  }
  if (loaded.state !== 'ready') {
    return (
      <section className="conversation-view" data-testid="conversation-view" data-state={loaded.state}>
        <p className="cv-empty" role="status">
          {loaded.state === 'missing'
            ? 'This conversation is no longer on this computer: it was transferred, declined or is out of your view.'
            : 'This conversation cannot be shown: its data on this computer is incomplete. It will appear once it syncs again.'}
        </p>
        {onClosed && (
          <button type="button" onClick={onClosed}>
            Close
          </button>
        )}
      </section>
    );
  }

  const { conversation, customerName, emailAddress } = loaded;
  const mine = conversation.assignedAgentId === agentId;
  const canAct = mine && WORKING.has(conversation.status);
  const offeredToMe = mine && conversation.status === 'offered';
  const assigneeName = conversation.assignedAgentId
    ? agentNames.get(conversation.assignedAgentId) || 'another agent'
    : null;
  const readOnly = canAct || offeredToMe ? null : readOnlyReason(conversation, assigneeName);
  const done = () => onClosed?.();

  const answerOffer = (accept: boolean) => {
    setOfferError(null);
    connection
      .enqueue(accept ? 'offer.accept' : 'offer.decline', { conversationId })
      .then(() => !accept && done())
      .catch((err: unknown) => setOfferError(`The offer was not answered: ${failureSentence(err)}`));
  };

  return (
    <article
      className="conversation-view"
      aria-labelledby={titleId}
      data-testid="conversation-view"
      data-conversation-id={conversationId}
      data-status={conversation.status}
      data-read-only={readOnly !== null}
    >
      <ConversationHeader
        conversation={conversation}
        customerName={customerName}
        titleId={titleId}
        others={viewing.others}
        onClose={onClosed}
      />
      <div className="cv-body-grid">
        <div className="cv-main">
          <Transcript
            data={transcript}
            customerName={customerName}
            agentNames={agentNames}
            {...(canAct
              ? {
                  onRetry: (messageId: string) =>
                    void connection
                      .enqueue('conversation.retry_delivery', { conversationId, messageId })
                      .catch((err: unknown) =>
                        setCommandError(`The reply was not sent again: ${failureSentence(err)}`),
                      ),
                }
              : {})}
          />
          {viewing.customerTyping && (
            <p className="cv-customer-typing" role="status" data-testid="customer-typing">
              {customerName || 'The customer'} is typing…
            </p>
          )}
          {offeredToMe && (
            <div className="cv-offer" role="group" aria-label="Offer" data-testid="conversation-offer">
              <p>
                {conversation.channel === 'voice'
                  ? 'This call is offered to you.'
                  : 'This conversation is offered to you.'}
              </p>
              {offerError && (
                <p className="cv-error" role="alert">
                  {offerError}
                </p>
              )}
              <div className="cv-actions">
                <button type="button" className="primary" data-testid="accept-offer" onClick={() => answerOffer(true)}>
                  Accept
                </button>
                <button type="button" data-testid="decline-offer" onClick={() => answerOffer(false)}>
                  Decline
                </button>
              </div>
            </div>
          )}
          {readOnly && (
            <p className="cv-read-only" role="note" data-testid="read-only">
              {readOnly}
            </p>
          )}
          {canAct && (
            <>
              <Composer
                db={db}
                connection={connection}
                agentId={agentId}
                conversation={conversation}
                customerName={customerName}
                emailAddress={emailAddress}
                agentName={agentName}
                onTyped={viewing.typed}
                onStoppedTyping={viewing.stoppedTyping}
              />
              <HandlingActions
                connection={connection}
                conversation={conversation}
                agents={agents ?? []}
                agentId={agentId}
                onDone={done}
              />
            </>
          )}
        </div>
        <JourneyPanel
          db={db}
          connection={connection}
          customerId={conversation.customerId}
          conversationId={conversationId}
          canChangeLinks={canAct || role === 'lead' || role === 'admin'}
          onOpenConversation={onOpenConversation ?? openInWorkspace}
        />
      </div>
    </article>
  );
}

function readOnlyReason(conversation: Conversation, assigneeName: string | null): string {
  if (conversation.status === 'resolved') return 'This conversation is resolved: you can read it, not reply to it.';
  if (conversation.status === 'queued') return 'This conversation is waiting in a queue: it is not assigned to you.';
  if (assigneeName) return `This conversation is with ${assigneeName}: you can read it, not act on it.`;
  return 'This conversation is not assigned to you: you can read it, not act on it.';
}
