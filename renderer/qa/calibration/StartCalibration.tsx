import { useLiveQuery } from 'dexie-react-hooks';
import { useId, useState, type FormEvent } from 'react';
import { AgentSchema, ConversationSchema, CustomerSchema, parseRows, timeOf } from '../../conversation/rows';
import { failureSentence, formatWhen } from '../../conversation/words';
import { CHANNEL_LABELS } from '../../inbox/channels';
import { useSync } from '../../sync/ui/syncContext';
import { ScorecardVersionRowSchema, type ScorecardVersionRow } from '../rows';
import { conversationTitle } from './useCalibrations';

/** The most conversations the picker lists at once; searching narrows them. */
const SHOWN = 200;
const MAX_PARTICIPANTS = 20;

interface Pickable {
  id: string;
  label: string;
  /** Lower-case text the search looks in: customer, subject, channel. */
  haystack: string;
  assignedAgentId: string | null;
}

interface StartData {
  conversations: Pickable[];
  versions: ScorecardVersionRow[];
  leads: { id: string; name: string }[];
}

const publishedTime = (v: ScorecardVersionRow) => timeOf(v.publishedAt) ?? 0;

function useStartData(leadId: string): StartData | undefined {
  const { db } = useSync()!;
  return useLiveQuery(async (): Promise<StartData> => {
    const resolved = parseRows(ConversationSchema, await db.conversations.where('status').equals('resolved').toArray());
    const customerIds = [...new Set(resolved.flatMap((c) => (c.customerId ? [c.customerId] : [])))];
    const names = new Map(
      parseRows(CustomerSchema, await db.customers.bulkGet(customerIds)).map((c) => [c.id, c.displayName]),
    );
    const conversations = resolved
      .sort(
        (a, b) =>
          (timeOf(b.resolvedAt) ?? timeOf(b.createdAt) ?? 0) - (timeOf(a.resolvedAt) ?? timeOf(a.createdAt) ?? 0),
      )
      .map((c): Pickable => {
        const customer = c.customerId ? (names.get(c.customerId) ?? null) : null;
        const when = formatWhen(c.resolvedAt);
        return {
          id: c.id,
          label: [conversationTitle(c, customer, c.id), c.subject, when && `resolved ${when}`]
            .filter(Boolean)
            .join(' · '),
          haystack: [customer, c.subject, CHANNEL_LABELS[c.channel], c.channel].join(' ').toLowerCase(),
          assignedAgentId: c.assignedAgentId,
        };
      });
    const versions = parseRows(ScorecardVersionRowSchema, await db.scorecards.toArray())
      .filter((v) => v.status === 'published')
      .sort((a, b) => publishedTime(b) - publishedTime(a) || b.version - a.version || a.name.localeCompare(b.name));
    const leads = parseRows(AgentSchema, await db.agents.toArray())
      .filter((a) => a.role === 'lead' || a.role === 'admin')
      .map((a) => ({ id: a.id, name: a.name || a.id }))
      .sort((a, b) => Number(b.id === leadId) - Number(a.id === leadId) || a.name.localeCompare(b.name));
    return { conversations, versions, leads };
  }, [db, leadId]);
}

/**
 * Starting a calibration: the conversation, the published scorecard version and the leads who
 * score it blind (the lead starting it among them unless they untick themselves). An op: it
 * works offline and lands when the outbox is sent.
 */
export function StartCalibration({ onStarted, onCancel }: { onStarted: () => void; onCancel: () => void }) {
  const { connection, agentId: leadId } = useSync()!;
  const data = useStartData(leadId);
  const ids = { title: useId(), search: useId(), conversation: useId(), scorecard: useId(), hint: useId() };
  const [search, setSearch] = useState('');
  const [conversationId, setConversationId] = useState('');
  const [versionId, setVersionId] = useState('');
  const [chosen, setChosen] = useState<ReadonlySet<string>>(() => new Set([leadId]));
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  if (!data) return <p className="cal-note">Loading…</p>;

  const query = search.trim().toLowerCase();
  const matching = data.conversations.filter((c) => !query || c.haystack.includes(query));
  const shown = matching.slice(0, SHOWN);
  const selected = data.conversations.find((c) => c.id === conversationId) ?? null;
  // What is chosen stays in the list while a search hides it, so the choice is never lost from view.
  if (selected && !shown.includes(selected)) shown.unshift(selected);
  const version = data.versions.find((v) => v.id === versionId) ?? data.versions[0] ?? null;
  const participants = data.leads.filter((l) => chosen.has(l.id));

  const toggle = (id: string) =>
    setChosen((current) => {
      const next = new Set(current);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  const problem = (): string | null => {
    if (!selected) return 'Choose the conversation the leads will score.';
    if (!version) return 'No scorecard is published yet: publish one under “Scorecards and sampling” first.';
    if (participants.length < 2) return 'Choose at least two leads to score it (you may be one of them).';
    if (participants.length > MAX_PARTICIPANTS) return `A calibration takes at most ${MAX_PARTICIPANTS} leads.`;
    const handler = participants.find((p) => p.id === selected.assignedAgentId);
    if (handler) return `${handler.name} handled this conversation and cannot score it: untick them.`;
    return null;
  };

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    const refused = problem();
    if (refused || !selected || !version) {
      setError(refused);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      await connection.enqueue('calibration.start', {
        calibrationId: crypto.randomUUID(),
        conversationId: selected.id,
        scorecardId: version.scorecardId,
        scorecardVersion: version.version,
        participantIds: participants.map((p) => p.id),
      });
      onStarted();
    } catch (err) {
      setError(`Not started: ${failureSentence(err)} Your choices are kept; try again.`);
      setBusy(false);
    }
  };

  return (
    <form
      className="cal-start"
      aria-labelledby={ids.title}
      data-testid="calibration-start-form"
      onSubmit={(e) => void submit(e)}
      noValidate
    >
      <h3 id={ids.title}>Start a calibration</h3>

      <div className="cal-field">
        <label htmlFor={ids.search}>Search resolved conversations</label>
        <input
          id={ids.search}
          type="search"
          data-testid="calibration-conversation-search"
          placeholder="Customer, subject or channel"
          value={search}
          onChange={(e) => setSearch(e.target.value)}
        />
      </div>
      <div className="cal-field">
        <label htmlFor={ids.conversation}>Conversation</label>
        <select
          id={ids.conversation}
          data-testid="calibration-conversation"
          value={conversationId}
          onChange={(e) => setConversationId(e.target.value)}
        >
          <option value="">
            {data.conversations.length
              ? `Choose one of ${matching.length} resolved conversation${matching.length === 1 ? '' : 's'}`
              : 'No resolved conversations on this computer'}
          </option>
          {shown.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
        {matching.length > SHOWN && (
          <p className="cal-hint">
            Showing the {SHOWN} most recently resolved of {matching.length}; search to narrow them.
          </p>
        )}
      </div>

      <div className="cal-field">
        <label htmlFor={ids.scorecard}>Scorecard version</label>
        <select
          id={ids.scorecard}
          data-testid="calibration-scorecard"
          value={version?.id ?? ''}
          onChange={(e) => setVersionId(e.target.value)}
          disabled={!data.versions.length}
        >
          {!data.versions.length && <option value="">No published scorecard</option>}
          {data.versions.map((v) => (
            <option key={v.id} value={v.id}>
              {v.name}, version {v.version}
            </option>
          ))}
        </select>
      </div>

      <fieldset className="cal-field cal-leads" aria-describedby={ids.hint}>
        <legend>Leads who score it blind</legend>
        <p id={ids.hint} className="cal-hint">
          At least two. Untick yourself to only organise it: you then do not see the scores.
        </p>
        {data.leads.map((lead) => {
          const handled = selected?.assignedAgentId === lead.id;
          return (
            <label key={lead.id} className="cal-check">
              <input
                type="checkbox"
                data-testid={`calibration-participant-${lead.id}`}
                checked={chosen.has(lead.id)}
                onChange={() => toggle(lead.id)}
              />
              {lead.id === leadId ? `${lead.name} (you)` : lead.name}
              {handled && <span className="cal-hint"> handled this conversation</span>}
            </label>
          );
        })}
      </fieldset>

      {error && (
        <p className="error" role="alert" data-testid="calibration-start-error">
          {error}
        </p>
      )}
      <div className="cal-actions">
        <button type="submit" className="primary" data-testid="calibration-start-confirm" disabled={busy}>
          Start calibration
        </button>
        <button type="button" data-testid="calibration-start-cancel" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
