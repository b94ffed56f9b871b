import Dexie from 'dexie';
import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState } from 'react';
import { CHANNEL_LABELS, CHANNEL_MARKS, compactCount } from '../inbox/channels';
import type { SyncDb } from '../sync/db';
import type { SyncConnection } from '../sync/syncConnection';
import {
  ConversationSchema,
  CustomerSchema,
  IdentitySchema,
  parseRow,
  parseRows,
  SuggestionSchema,
  timeOf,
  type Conversation,
  type Customer,
  type Identity,
  type Suggestion,
} from './rows';
import {
  asText,
  dispositionLabel,
  evidenceFields,
  failureSentence,
  formatWhen,
  humanize,
  identityKindLabel,
  STATUS_LABELS,
} from './words';

interface JourneyItem {
  conversation: Conversation;
  /** The subject, or the first words of the first message. */
  summary: string;
}

interface JourneyData {
  customer: Customer | null;
  identities: Identity[];
  suggestions: { suggestion: Suggestion; otherName: string | null }[];
  journey: JourneyItem[];
}

const FIRST_WORDS = 80;

function firstWords(body: string): string {
  const line = body.replace(/\s+/g, ' ').trim();
  return line.length > FIRST_WORDS ? `${line.slice(0, FIRST_WORDS - 1)}…` : line;
}

export function useJourney(db: SyncDb, customerId: string | null): JourneyData | undefined {
  return useLiveQuery(async (): Promise<JourneyData> => {
    if (!customerId) return { customer: null, identities: [], suggestions: [], journey: [] };
    const customer = parseRow(CustomerSchema, await db.customers.get(customerId));
    const identities = parseRows(IdentitySchema, await db.identities.where('customerId').equals(customerId).toArray());
    const suggestionRows = [
      ...(await db.suggestions.where('customerId').equals(customerId).toArray()),
      ...(await db.suggestions.where('otherCustomerId').equals(customerId).toArray()),
    ];
    const pending = parseRows(SuggestionSchema, suggestionRows).filter((s) => s.status === 'pending');
    const others = await db.customers.bulkGet(
      pending.map((s) => (s.customerId === customerId ? s.otherCustomerId : s.customerId)),
    );
    const suggestions = pending.map((suggestion, i) => ({
      suggestion,
      otherName: parseRow(CustomerSchema, others[i])?.displayName || null,
    }));
    const conversations = parseRows(
      ConversationSchema,
      await db.conversations.where('customerId').equals(customerId).toArray(),
    ).sort((a, b) => (timeOf(b.createdAt) ?? 0) - (timeOf(a.createdAt) ?? 0));
    const journey = await Promise.all(
      conversations.map(async (conversation): Promise<JourneyItem> => {
        if (conversation.subject) return { conversation, summary: conversation.subject };
        const first = await db.messages
          .where('[conversationId+createdAt]')
          .between([conversation.id, Dexie.minKey], [conversation.id, Dexie.maxKey])
          .first();
        const body = typeof first?.body === 'string' ? first.body : '';
        return { conversation, summary: firstWords(body) || CHANNEL_LABELS[conversation.channel] };
      }),
    );
    return { customer, identities, suggestions, journey };
  }, [db, customerId]);
}

function Evidence({ items }: { items: unknown[] }) {
  if (!items.length) return null;
  return (
    <ul className="cv-evidence" aria-label="Evidence">
      {items.map((item, i) => (
        <li key={i}>
          {evidenceFields(item).map(([label, value], j) => (
            <span key={j} className="cv-evidence-field">
              <span className="cv-evidence-label">{label}:</span> {value}
            </span>
          ))}
        </li>
      ))}
    </ul>
  );
}

/**
 * The customer's side: profile, identities with the evidence that links them, suggested links to
 * decide, and every conversation of theirs across channels, newest first.
 */
export function JourneyPanel({
  db,
  connection,
  customerId,
  conversationId,
  canChangeLinks,
  onOpenConversation,
}: {
  db: SyncDb;
  connection: SyncConnection;
  customerId: string | null;
  conversationId: string;
  /** Linking and unlinking are for the agent holding one of this customer's open conversations. */
  canChangeLinks: boolean;
  onOpenConversation?: ((id: string) => void) | undefined;
}) {
  const data = useJourney(db, customerId);
  const [error, setError] = useState<string | null>(null);
  const titleId = useId();

  const run = (command: Promise<unknown>) => {
    setError(null);
    command.catch((err: unknown) => setError(`Not saved: ${failureSentence(err)}`));
  };

  if (!data) return <aside className="cv-journey">Loading the customer…</aside>;
  const { customer, identities, suggestions, journey } = data;
  const profile = Object.entries(customer?.profile ?? {});
  const canUnlink = canChangeLinks && identities.length > 1;

  return (
    <aside className="cv-journey" aria-labelledby={titleId} data-testid="journey">
      <h2 id={titleId}>Customer</h2>
      {error && (
        <p className="cv-error" role="alert">
          {error}
        </p>
      )}
      <p className="cv-journey-name">{customer?.displayName || 'Unknown customer'}</p>
      {profile.length > 0 && (
        <dl className="cv-profile" data-testid="customer-profile">
          {profile.map(([key, value]) => (
            <div key={key}>
              <dt>{humanize(key)}</dt>
              <dd>{asText(value)}</dd>
            </div>
          ))}
        </dl>
      )}

      <h3>Identities</h3>
      {identities.length === 0 ? (
        <p className="cv-empty">No identities on this computer.</p>
      ) : (
        <ul className="cv-identities">
          {identities.map((identity) => {
            const kind = identityKindLabel(identity.kind);
            return (
              <li key={identity.id} data-testid="identity" data-identity-id={identity.id}>
                <span className="cv-identity-kind">{kind}</span>{' '}
                <span className="cv-identity-value">{identity.value}</span>
                {identity.displayName && <span className="cv-identity-name"> ({identity.displayName})</span>}
                {identity.followers !== null && (
                  <span className="cv-identity-followers"> · {compactCount(identity.followers)} followers</span>
                )}
                <Evidence items={identity.evidence} />
                {canChangeLinks &&
                  (identity.unlinking ? (
                    <span className="cv-queued">Unlinking…</span>
                  ) : (
                    <button
                      type="button"
                      className="link"
                      disabled={!canUnlink}
                      title={canUnlink ? undefined : 'A customer keeps at least one identity.'}
                      aria-label={`Unlink ${kind} ${identity.value}`}
                      onClick={() => run(connection.enqueue('customer.unlink', { identityId: identity.id }))}
                    >
                      Unlink
                    </button>
                  ))}
              </li>
            );
          })}
        </ul>
      )}

      {suggestions.length > 0 && (
        <>
          <h3>Maybe the same person</h3>
          <ul className="cv-suggestions">
            {suggestions.map(({ suggestion, otherName }) => (
              <li key={suggestion.id} data-testid="link-suggestion">
                <p>{otherName ?? 'Another customer record'}</p>
                <Evidence items={suggestion.evidence} />
                {canChangeLinks && (
                  <div className="cv-actions">
                    <button
                      type="button"
                      aria-label={`Link ${otherName ?? 'the other customer record'}`}
                      onClick={() => run(connection.enqueue('customer.link', { suggestionId: suggestion.id }))}
                    >
                      Link
                    </button>
                    <button
                      type="button"
                      onClick={() => run(connection.enqueue('customer.refuse_link', { suggestionId: suggestion.id }))}
                    >
                      Not the same person
                    </button>
                  </div>
                )}
              </li>
            ))}
          </ul>
        </>
      )}

      <h3>Journey</h3>
      <ol className="cv-journey-list" aria-label="Conversations with this customer">
        {journey.map(({ conversation: c, summary }) => {
          const current = c.id === conversationId;
          const outcome = c.disposition
            ? `${STATUS_LABELS[c.status]} · ${dispositionLabel(c.disposition)}`
            : STATUS_LABELS[c.status];
          const facts = (
            <>
              <span className="cv-journey-channel">
                <span aria-hidden="true">{CHANNEL_MARKS[c.channel]}</span> {CHANNEL_LABELS[c.channel]}
              </span>
              <span className="cv-journey-outcome">{outcome}</span>
              <span className="cv-journey-summary">{summary}</span>
              {c.createdAt && (
                <time dateTime={c.createdAt} className="cv-time">
                  {formatWhen(c.createdAt)}
                </time>
              )}
            </>
          );
          return (
            <li key={c.id} data-testid="journey-item" data-conversation-id={c.id}>
              {current || !onOpenConversation ? (
                <div
                  className={`cv-journey-item${current ? ' current' : ''}`}
                  aria-current={current ? 'true' : undefined}
                >
                  {facts}
                  {current && <span className="cv-journey-here">This conversation</span>}
                </div>
              ) : (
                <button type="button" className="cv-journey-item" onClick={() => onOpenConversation(c.id)}>
                  {facts}
                </button>
              )}
            </li>
          );
        })}
      </ol>
    </aside>
  );
}
