import { useState, type FormEvent } from 'react';
import { SignInRequestSchema } from '../../shared/api';
import { signIn, SignInError } from '../api/backend';
import { ConnectionStatus } from '../components/ConnectionStatus';
import { useHost } from '../host/hostContext';
import { useAppStore } from '../store/store';

export function SignIn() {
  const host = useHost();
  const serverUrl = useAppStore((s) => s.settingsView?.settings.serverUrl ?? '');
  const serverLocked = useAppStore((s) => s.settingsView?.locked.includes('serverUrl') ?? false);
  const setSession = useAppStore((s) => s.setSession);
  const setSettingsOpen = useAppStore((s) => s.setSettingsOpen);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    setError(null);
    const request = SignInRequestSchema.safeParse({ email, password });
    if (!request.success) {
      setError(request.error.issues[0]?.message ?? 'Check the form.');
      return;
    }
    setBusy(true);
    try {
      const answer = await signIn(serverUrl, request.data);
      const status = await host.saveSession({
        token: answer.token,
        ...(answer.refreshToken ? { refreshToken: answer.refreshToken } : {}),
        serverUrl,
        agent: answer.agent,
        expiresAt: answer.expiresAt,
      });
      setSession(status.session, status.storage, status.notice);
    } catch (err) {
      setError(err instanceof SignInError ? err.message : `Sign-in failed: ${(err as Error).message}`);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title" noValidate>
        <h1 id="signin-title">Sign in to Switchboard</h1>
        <p className="server-line">
          Server <code data-testid="server-url">{serverUrl}</code>
          {serverLocked ? (
            <span className="managed">Managed by your organization</span>
          ) : (
            <button type="button" className="link" onClick={() => setSettingsOpen(true)}>
              Change
            </button>
          )}
        </p>
        <ConnectionStatus />
        <label htmlFor="email">Email</label>
        <input
          id="email"
          type="email"
          autoComplete="username"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          required
        />
        <label htmlFor="password">Password</label>
        <input
          id="password"
          type="password"
          autoComplete="current-password"
          value={password}
          onChange={(e) => setPassword(e.target.value)}
          required
        />
        {error && (
          <p className="error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" className="primary" disabled={busy}>
          {busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
    </main>
  );
}
