import { ChannelSchema, ConversationStatusSchema, type Role } from '../../shared/domain';
import { CHANNEL_LABELS } from './channels';
import type { InboxFilter, InboxScope } from './inboxIndex';
import { SENTIMENT_BANDS } from './inboxItem';

const SCOPES: { scope: InboxScope; label: string; leadsOnly: boolean }[] = [
  { scope: 'mine', label: 'Mine', leadsOnly: false },
  { scope: 'queue', label: 'Queue', leadsOnly: true },
  { scope: 'all', label: 'All', leadsOnly: true },
];

const STATUS_OPTIONS: [InboxFilter['status'], string][] = [
  ['open', 'Open'],
  ...ConversationStatusSchema.options.map((s): [InboxFilter['status'], string] => [s, s.replace('_', '-')]),
  ['any', 'Any status'],
];

interface Props {
  filter: InboxFilter;
  role: Role;
  onChange: (patch: Partial<InboxFilter>) => void;
  searchRef?: React.Ref<HTMLInputElement>;
}

/** The inbox's filters: who (mine, the queue, everything for leads), channel, status, SLA, sentiment, unread, search. */
export function InboxFilters({ filter, role, onChange, searchRef }: Props) {
  const lead = role !== 'agent';
  return (
    <div className="inbox-filters" role="group" aria-label="Inbox filters">
      <div className="scopes" role="group" aria-label="Show">
        {SCOPES.filter((s) => lead || !s.leadsOnly).map((s) => (
          <button
            key={s.scope}
            type="button"
            aria-pressed={filter.scope === s.scope}
            data-testid={`scope-${s.scope}`}
            onClick={() => onChange({ scope: s.scope })}
          >
            {s.label}
          </button>
        ))}
      </div>
      <input
        ref={searchRef}
        type="search"
        aria-label="Search conversations by customer, subject or message"
        placeholder="Search (/)"
        data-testid="inbox-search"
        value={filter.search}
        onChange={(e) => onChange({ search: e.target.value })}
      />
      <label>
        <span className="visually-hidden">Channel</span>
        <select
          data-testid="filter-channel"
          value={filter.channel}
          onChange={(e) => onChange({ channel: e.target.value as InboxFilter['channel'] })}
        >
          <option value="any">All channels</option>
          {ChannelSchema.options.map((c) => (
            <option key={c} value={c}>
              {CHANNEL_LABELS[c]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">Status</span>
        <select
          data-testid="filter-status"
          value={filter.status}
          onChange={(e) => onChange({ status: e.target.value as InboxFilter['status'] })}
        >
          {STATUS_OPTIONS.map(([value, label]) => (
            <option key={value} value={value}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">SLA</span>
        <select
          data-testid="filter-sla"
          value={filter.sla}
          onChange={(e) => onChange({ sla: e.target.value as InboxFilter['sla'] })}
        >
          <option value="any">Any SLA</option>
          <option value="ok">SLA on track</option>
          <option value="warning">SLA due soon</option>
          <option value="breached">SLA breached</option>
        </select>
      </label>
      <label>
        <span className="visually-hidden">Sentiment</span>
        <select
          data-testid="filter-sentiment"
          value={filter.sentiment}
          onChange={(e) => onChange({ sentiment: e.target.value as InboxFilter['sentiment'] })}
        >
          <option value="any">Any sentiment</option>
          {SENTIMENT_BANDS.map((b) => (
            <option key={b} value={b}>
              {b[0]!.toUpperCase() + b.slice(1)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <span className="visually-hidden">Sort</span>
        <select
          data-testid="inbox-sort"
          value={filter.sort}
          onChange={(e) => onChange({ sort: e.target.value as InboxFilter['sort'] })}
        >
          <option value="urgency">Most urgent first</option>
          <option value="newest">Latest activity first</option>
        </select>
      </label>
      <label className="check">
        <input
          type="checkbox"
          data-testid="filter-unread"
          checked={filter.unreadOnly}
          onChange={(e) => onChange({ unreadOnly: e.target.checked })}
        />
        Unread only
      </label>
    </div>
  );
}
