import { useAppStore } from '../store/store';

function formatTime(ms: number | null): string {
  return ms ? new Date(ms).toLocaleTimeString() : 'not yet';
}

/** The network, the server and its version, as the Diagnostics panel shows them to support. */
export function ConnectionFacts() {
  const session = useAppStore((s) => s.session);
  const networkOnline = useAppStore((s) => s.networkOnline);
  const serverReach = useAppStore((s) => s.serverReach);
  const health = useAppStore((s) => s.serverHealth);
  const lastCheckedAt = useAppStore((s) => s.lastCheckedAt);
  return (
    <dl className="facts">
      <dt>Network</dt>
      <dd data-testid="network-state">{networkOnline ? 'online' : 'offline'}</dd>
      <dt>Server</dt>
      <dd>
        <code>{session?.serverUrl}</code> — <span data-testid="server-reach">{serverReach}</span>
      </dd>
      <dt>Server version</dt>
      <dd>{health ? `${health.version} (${health.db})` : 'unknown'}</dd>
      <dt>Last checked</dt>
      <dd>{formatTime(lastCheckedAt)}</dd>
    </dl>
  );
}
