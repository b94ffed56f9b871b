import { useLiveQuery } from 'dexie-react-hooks';
import { PresenceSchema, type Presence } from '../../shared/domain';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';

const labels: Record<Presence, string> = {
  available: 'Available',
  busy: 'Busy',
  after_call_work: 'After-call work',
  away: 'Away',
  offline: 'Offline',
};

/**
 * The agent's presence, read live from the mirror (so an offline change shows at once) and set
 * through the outbox: it reaches the server when it can, newest wins.
 */
export function PresencePicker() {
  const sync = useSync();
  const setCommandError = useAppStore((s) => s.setCommandError);
  const me = useLiveQuery(() => sync?.db.agents.get(sync.agentId), [sync]);
  const presence = PresenceSchema.safeParse(me?.presence);
  if (!sync) return null;
  return (
    <label className="presence">
      <span className="visually-hidden">Your status</span>
      <select
        data-testid="presence"
        value={presence.success ? presence.data : ''}
        onChange={(event) => {
          const next = PresenceSchema.parse(event.target.value);
          setCommandError(null);
          sync.connection.enqueue('presence.set', { presence: next }).catch((err: unknown) => {
            setCommandError(`Your status was not changed: ${(err as Error).message}`);
          });
        }}
      >
        {!presence.success && (
          <option value="" disabled>
            Status…
          </option>
        )}
        {PresenceSchema.options.map((p) => (
          <option key={p} value={p}>
            {labels[p]}
          </option>
        ))}
      </select>
    </label>
  );
}
