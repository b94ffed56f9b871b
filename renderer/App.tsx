import { NoticeBanner } from './components/NoticeBanner';
import { SettingsPanel } from './components/SettingsPanel';
import { SignIn } from './screens/SignIn';
import { Workspace } from './screens/Workspace';
import { useAppStore } from './store/store';

export function App() {
  const phase = useAppStore((s) => s.sessionPhase);
  const settingsOpen = useAppStore((s) => s.settingsOpen);
  return (
    <div className="app" data-phase={phase}>
      <NoticeBanner />
      {phase === 'loading' && <p className="loading">Starting Switchboard…</p>}
      {phase === 'signed_out' && <SignIn />}
      {phase === 'signed_in' && <Workspace />}
      {settingsOpen && (
        <div className="overlay">
          <SettingsPanel />
        </div>
      )}
    </div>
  );
}
