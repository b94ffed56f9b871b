import { useAppStore } from '../store/store';

export type ConnectionState = 'offline' | 'server_unreachable' | 'checking' | 'connected';

export function connectionState(networkOnline: boolean, serverReach: string): ConnectionState {
  if (!networkOnline) return 'offline';
  if (serverReach === 'reachable') return 'connected';
  if (serverReach === 'unreachable') return 'server_unreachable';
  return 'checking';
}

const labels: Record<ConnectionState, string> = {
  offline: 'Offline',
  server_unreachable: 'Server unreachable',
  checking: 'Connecting…',
  connected: 'Connected',
};

/** The pill in the top bar; `data-state` is what tests and styles key on. */
export function ConnectionStatus() {
  const networkOnline = useAppStore((s) => s.networkOnline);
  const serverReach = useAppStore((s) => s.serverReach);
  const state = connectionState(networkOnline, serverReach);
  return (
    <span
      className={`connection connection-${state}`}
      data-testid="connection-status"
      data-state={state}
      role="status"
      aria-live="polite"
    >
      <span className="dot" aria-hidden="true" />
      {labels[state]}
    </span>
  );
}
