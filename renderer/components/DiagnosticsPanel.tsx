import { useEffect, useState } from 'react';
import type { Diagnostics } from '../../shared/ipc';
import { useHost } from '../host/hostContext';
import { ConnectionFacts } from './ConnectionFacts';

/** The snapshot support asks for: versions, policy state, where settings came from. No secrets. */
export function DiagnosticsPanel({ onClose }: { onClose: () => void }) {
  const host = useHost();
  const [snapshot, setSnapshot] = useState<Diagnostics | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    host.diagnostics().then(setSnapshot, (err: Error) => setError(err.message));
  }, [host]);
  const text = snapshot ? JSON.stringify(snapshot, null, 2) : '';
  return (
    <section className="panel" aria-labelledby="diagnostics-title">
      <header className="panel-header">
        <h2 id="diagnostics-title">Diagnostics</h2>
        <button type="button" onClick={() => void navigator.clipboard?.writeText(text)} disabled={!snapshot}>
          Copy
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      <ConnectionFacts />
      {error && <p className="error">{error}</p>}
      <pre data-testid="diagnostics">{text || 'Collecting…'}</pre>
    </section>
  );
}
