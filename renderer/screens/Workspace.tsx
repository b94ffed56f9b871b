import { useState } from 'react';
import { ConnectorsPanel } from '../admin/ConnectorsPanel';
import { SpikeAlertBanner } from '../alerts/SpikeAlertBanner';
import { IdlePrompt } from '../attention/IdlePrompt';
import { useAttention } from '../attention/useAttention';
import { useIdleAway } from '../attention/useIdleAway';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { DiagnosticsPanel } from '../components/DiagnosticsPanel';
import { OfflineBanner } from '../components/OfflineBanner';
import { PresencePicker } from '../components/PresencePicker';
import { SyncPanel } from '../components/SyncPanel';
import { SyncStatusPill } from '../components/SyncStatusPill';
import { useHost } from '../host/hostContext';
import { Inbox } from '../inbox/Inbox';
import { useInboxSource } from '../inbox/useInboxSource';
import { Offers } from '../offers/Offers';
import { QualityWorkspace } from '../qa/QualityWorkspace';
import { CommandPalette } from '../shortcuts/CommandPalette';
import { ShortcutOverlay } from '../shortcuts/ShortcutOverlay';
import { ShortcutsContext, useCommands } from '../shortcuts/useCommands';
import { useShortcutRegistry } from '../shortcuts/useShortcutRegistry';
import { useAppStore } from '../store/store';
import { SyncContext } from '../sync/ui/syncContext';
import { useSyncBinding } from '../sync/ui/useSyncBinding';
import { ConversationPane } from './ConversationPane';

type Dialog = 'sync' | 'diagnostics' | 'connectors' | 'palette' | 'shortcuts' | null;

/** The signed-in shell: offers and the inbox on the left, the open conversation on the right. */
export function Workspace() {
  const host = useHost();
  const session = useAppStore((s) => s.session);
  const tokenNotice = useAppStore((s) => s.tokenNotice);
  const setSession = useAppStore((s) => s.setSession);
  const setSettingsOpen = useAppStore((s) => s.setSettingsOpen);
  const commandError = useAppStore((s) => s.commandError);
  const setCommandError = useAppStore((s) => s.setCommandError);
  const singleKeys = useAppStore((s) => s.settingsView?.settings.singleKeyShortcuts ?? true);
  const [dialog, setDialog] = useState<Dialog>(null);
  const view = useAppStore((s) => s.workspaceView);
  const setView = useAppStore((s) => s.setWorkspaceView);
  const sync = useSyncBinding();
  const source = useInboxSource(sync?.db, sync?.agentId);
  const registry = useShortcutRegistry(singleKeys);
  const attention = useAttention({ sync });
  const idleAway = useIdleAway({ sync });

  useCommands(
    [
      {
        id: 'app.palette',
        title: 'Open the command palette',
        section: 'General',
        keys: ['Mod+K'],
        run: () => setDialog('palette'),
      },
      {
        id: 'app.shortcuts',
        title: 'Show keyboard shortcuts',
        section: 'General',
        keys: ['?'],
        run: () => setDialog('shortcuts'),
      },
      {
        id: 'app.sync',
        title: 'Show sync and queued work',
        section: 'General',
        keys: [],
        run: () => setDialog('sync'),
      },
      ...(session && session.agent.role !== 'agent'
        ? [
            {
              id: 'app.connectors',
              title: 'Show channel connector health',
              section: 'General',
              keys: [],
              run: () => setDialog('connectors'),
            },
          ]
        : []),
      {
        id: 'app.quality',
        title: view === 'quality' ? 'Back to the inbox' : 'Open quality: reviews, disputes and scores',
        section: 'General',
        keys: [],
        run: () => setView(view === 'quality' ? 'inbox' : 'quality'),
      },
      {
        id: 'app.settings',
        title: 'Open settings',
        section: 'General',
        keys: ['Mod+,'],
        run: () => setSettingsOpen(true),
      },
    ],
    registry,
  );

  if (!session) return null;

  const signOut = async () => {
    const status = await host.clearSession();
    setSession(null, status.storage, status.notice);
  };
  const close = () => setDialog(null);

  return (
    <ShortcutsContext.Provider value={registry}>
      <SyncContext.Provider value={sync}>
        <div className="workspace">
          <header className="topbar">
            <h1 className="brand">Switchboard</h1>
            <ConnectionStatus />
            <SyncStatusPill onOpen={() => setDialog('sync')} />
            <span className="spacer" />
            <nav className="view-switch" aria-label="Workspace">
              <button
                type="button"
                aria-pressed={view === 'inbox'}
                data-testid="view-inbox"
                onClick={() => setView('inbox')}
              >
                Inbox
              </button>
              <button
                type="button"
                aria-pressed={view === 'quality'}
                data-testid="view-quality"
                onClick={() => setView('quality')}
              >
                Quality
              </button>
            </nav>
            <PresencePicker />
            <span className="who" data-testid="signed-in-agent">
              {session.agent.name} <span className="role">{session.agent.role}</span>
            </span>
            <button type="button" onClick={() => setDialog('shortcuts')} aria-label="Keyboard shortcuts">
              ?
            </button>
            {session.agent.role !== 'agent' && (
              <button type="button" onClick={() => setDialog('connectors')}>
                Connectors
              </button>
            )}
            <button type="button" onClick={() => setDialog('diagnostics')}>
              Diagnostics
            </button>
            <button type="button" onClick={() => setSettingsOpen(true)}>
              Settings
            </button>
            <button type="button" onClick={() => void signOut()}>
              Sign out
            </button>
          </header>
          <main className={`workspace-main ${view === 'quality' ? 'workspace-quality' : 'workspace-grid'}`}>
            <div className="workspace-notices">
              <OfflineBanner />
              <SpikeAlertBanner />
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
              <IdlePrompt {...idleAway} />
              {attention.notificationProblem && (
                <p className="notice" data-testid="notification-problem">
                  {attention.notificationProblem}{' '}
                  <button type="button" onClick={() => void host.requestNotifications()}>
                    Allow notifications
                  </button>
                </p>
              )}
            </div>
            {view === 'quality' ? (
              <>
                {/* Offers still ring while the lead or agent is in quality: a call is never missed. */}
                <Offers />
                <QualityWorkspace />
              </>
            ) : (
              <>
                <div className="work-column">
                  <Offers />
                  {source && <Inbox source={source} agentId={session.agent.id} role={session.agent.role} />}
                </div>
                <ConversationPane />
              </>
            )}
          </main>
          {dialog === 'sync' && (
            <div className="overlay">
              <SyncPanel onClose={close} />
            </div>
          )}
          {dialog === 'diagnostics' && (
            <div className="overlay">
              <DiagnosticsPanel onClose={close} />
            </div>
          )}
          {dialog === 'connectors' && (
            <div className="overlay">
              <ConnectorsPanel onClose={close} />
            </div>
          )}
          {dialog === 'palette' && <CommandPalette registry={registry} onClose={close} />}
          {dialog === 'shortcuts' && <ShortcutOverlay registry={registry} singleKeys={singleKeys} onClose={close} />}
        </div>
      </SyncContext.Provider>
    </ShortcutsContext.Provider>
  );
}
