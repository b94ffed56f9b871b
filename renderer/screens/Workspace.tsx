import { useState } from 'react';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel';
import { useHost } from '../host/hostContext';
import { useAppStore } from '../store/store';

function formatTime(ms: number | null): string {
  return ms ? new Date(ms).toLocaleTimeString() : 'not yet';
}

/** The signed-in shell. The inbox, conversation and composer plug in here in later issues. */
export function Workspace() {
  const host = useHost();
  const session = useAppStore((s) => s.session);
  const tokenNotice = useAppStore((s) => s.tokenNotice);
  const networkOnline = useAppStore((s) => s.networkOnline);
  const serverReach = useAppStore((s) => s.serverReach);
  const health = useAppStore((s) => s.serverHealth);
  const lastCheckedAt = useAppStore((s) => s.lastCheckedAt);
  const setSession = useAppStore((s) => s.setSession);
  const setSettingsOpen = useAppStore((s) => s.setSettingsOpen);
  const [showDiagnostics, setShowDiagnostics] = useState(false);
  if (!session) return null;

  const signOut = async () => {
    const status = await host.clearSession();
    setSession(null, status.storage, status.notice);
  };

  return (
    <div className="workspace">
      <header className="topbar">
        <span className="brand">Switchboard</span>
        <ConnectionStatus />
        <span className="spacer" />
        <span className="who" data-testid="signed-in-agent">
          {session.agent.name} <span className="role">{session.agent.role}</span>
        </span>
        <button type="button" onClick={() => setShowDiagnostics(true)}>
          Diagnostics
        </button>
        <button type="button" onClick={() => setSettingsOpen(true)}>
          Settings
        </button>
        <button type="button" onClick={() => void signOut()}>
          Sign out
        </button>
      </header>
      <main className="workspace-main">
        {tokenNotice && (
          <p className="notice" role="note" data-testid="token-notice">
            {tokenNotice}
          </p>
        )}
        <section className="panel" aria-labelledby="connection-title">
          <h2 id="connection-title">Connection</h2>
          <dl className="facts">
            <dt>Network</dt>
            <dd data-testid="network-state">{networkOnline ? 'online' : 'offline'}</dd>
            <dt>Server</dt>
            <dd>
              <code>{session.serverUrl}</code> — <span data-testid="server-reach">{serverReach}</span>
            </dd>
            <dt>Server version</dt>
            <dd>{health ? `${health.version} (${health.db})` : 'unknown'}</dd>
            <dt>Last checked</dt>
            <dd>{formatTime(lastCheckedAt)}</dd>
          </dl>
        </section>
        {showDiagnostics && <DiagnosticsPanel onClose={() => setShowDiagnostics(false)} />}
      </main>
    </div>
  );
}
