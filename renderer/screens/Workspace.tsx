import { useState } from 'react';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel';
import { PresencePicker } from '../components/PresencePicker';
import { SyncPanel } from '../components/SyncPanel';
import { SyncStatusPill } from '../components/SyncStatusPill';
import { useHost } from '../host/hostContext';
import { useAppStore } from '../store/store';
import { SyncContext } from '../sync/ui/syncContext';
import { useSyncBinding } from '../sync/ui/useSyncBinding';

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
  const commandError = useAppStore((s) => s.commandError);
  const setCommandError = useAppStore((s) => s.setCommandError);
  const [showDiagnostics, setShowDiagnostics] = useState(false);
  const [showSync, setShowSync] = useState(false);
  const sync = useSyncBinding();
  if (!session) return null;

  const signOut = async () => {
    const status = await host.clearSession();
    setSession(null, status.storage, status.notice);
  };

  return (
    <SyncContext.Provider value={sync}>
      <div className="workspace">
        <header className="topbar">
          <span className="brand">Switchboard</span>
          <ConnectionStatus />
          <SyncStatusPill onOpen={() => setShowSync(true)} />
          <span className="spacer" />
          <PresencePicker />
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
          {commandError && (
            <p className="notice notice-error" role="alert" data-testid="command-error">
              {commandError}{' '}
              <button type="button" onClick={() => setCommandError(null)}>
                Dismiss
              </button>
            </p>
          )}
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
          {showSync && <SyncPanel onClose={() => setShowSync(false)} />}
          {showDiagnostics && <DiagnosticsPanel onClose={() => setShowDiagnostics(false)} />}
        </main>
      </div>
    </SyncContext.Provider>
  );
}
