import { useState, type FormEvent } from 'react';
import type { PartialSettings, SettingKey, Settings } from '../../shared/settings';
import { useHost } from '../host/hostContext';
import { useAppStore } from '../store/store';

type Field =
  | { key: SettingKey; label: string; kind: 'boolean' }
  | { key: SettingKey; label: string; kind: 'text' | 'number' | 'list' }
  | { key: SettingKey; label: string; kind: 'choice'; options: readonly string[] };

const fields: Field[] = [
  { key: 'serverUrl', label: 'Server address', kind: 'text' },
  { key: 'notifications', label: 'Desktop notifications', kind: 'boolean' },
  { key: 'singleKeyShortcuts', label: 'Single-key shortcuts', kind: 'boolean' },
  { key: 'closeToTray', label: 'Keep running in the tray when the window is closed', kind: 'boolean' },
  { key: 'startMinimized', label: 'Start minimized', kind: 'boolean' },
  { key: 'idleAwaySeconds', label: 'Offer to go away after idle (seconds)', kind: 'number' },
  { key: 'theme', label: 'Theme', kind: 'choice', options: ['system', 'light', 'dark'] },
  { key: 'autoUpdate', label: 'Install updates automatically', kind: 'boolean' },
  { key: 'requireSecureTokenStorage', label: 'Keep sign-in only in a secure keyring', kind: 'boolean' },
  { key: 'allowedExternalHosts', label: 'Links may open in the browser for (comma-separated hosts)', kind: 'list' },
  { key: 'logLevel', label: 'Log level', kind: 'choice', options: ['error', 'warn', 'info', 'debug'] },
];

function toInput(value: Settings[SettingKey]): string {
  return Array.isArray(value) ? value.join(', ') : String(value);
}

function fromInput(field: Field, text: string): unknown {
  if (field.kind === 'number') return Number(text);
  if (field.kind === 'list')
    return text
      .split(',')
      .map((s) => s.trim())
      .filter(Boolean);
  return text;
}

/** Settings with the ones the organization enforces shown locked and labelled. */
export function SettingsPanel() {
  const host = useHost();
  const view = useAppStore((s) => s.settingsView);
  const setView = useAppStore((s) => s.setSettingsView);
  const setOpen = useAppStore((s) => s.setSettingsOpen);
  const [error, setError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Partial<Record<SettingKey, string>>>({});
  if (!view) return null;

  const save = async (patch: PartialSettings) => {
    setError(null);
    try {
      setView(await host.updateSettings(patch));
      setDrafts({});
    } catch (err) {
      setError((err as Error).message);
    }
  };

  const submitText = (field: Field) => (event: FormEvent) => {
    event.preventDefault();
    const draft = drafts[field.key];
    if (draft !== undefined) void save({ [field.key]: fromInput(field, draft) });
  };

  return (
    <section className="panel settings" aria-labelledby="settings-title">
      <header className="panel-header">
        <h2 id="settings-title">Settings</h2>
        <button type="button" onClick={() => setOpen(false)}>
          Close
        </button>
      </header>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <ul className="settings-list">
        {fields.map((field) => {
          const locked = view.locked.includes(field.key);
          const value = view.settings[field.key];
          const id = `setting-${field.key}`;
          return (
            <li key={field.key} className={locked ? 'locked' : undefined} data-testid={id}>
              {field.kind === 'boolean' ? (
                <label htmlFor={id}>
                  <input
                    id={id}
                    type="checkbox"
                    checked={value as boolean}
                    disabled={locked}
                    onChange={(e) => void save({ [field.key]: e.target.checked })}
                  />
                  {field.label}
                </label>
              ) : field.kind === 'choice' ? (
                <label htmlFor={id}>
                  {field.label}
                  <select
                    id={id}
                    value={String(value)}
                    disabled={locked}
                    onChange={(e) => void save({ [field.key]: e.target.value })}
                  >
                    {field.options.map((o) => (
                      <option key={o}>{o}</option>
                    ))}
                  </select>
                </label>
              ) : (
                <form onSubmit={submitText(field)}>
                  <label htmlFor={id}>{field.label}</label>
                  <input
                    id={id}
                    type={field.kind === 'number' ? 'number' : 'text'}
                    value={drafts[field.key] ?? toInput(value)}
                    disabled={locked}
                    onChange={(e) => setDrafts({ ...drafts, [field.key]: e.target.value })}
                  />
                  {!locked && drafts[field.key] !== undefined && <button type="submit">Save</button>}
                </form>
              )}
              {locked && (
                <span className="managed" title="Set by your organization's policy">
                  Managed by your organization
                </span>
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
