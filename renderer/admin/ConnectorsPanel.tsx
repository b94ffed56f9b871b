import { useCallback, useEffect, useState } from 'react';
import type { ConnectorStatus } from '../../shared/api';
import { fetchConnectors } from '../api/backend';
import { useAppStore } from '../store/store';
import { formatWhen } from '../conversation/words';

/** How often the open panel asks again: an admin watching a fix land sees it within this. */
const REFRESH_MS = 10_000;

const NAMES: Record<ConnectorStatus['connector'], string> = {
  x: 'X (Twitter)',
  meta: 'Facebook and Messenger',
  email: 'Email',
  cti: 'Phone (CTI)',
  chat: 'Web chat',
};

const STATUS: Record<ConnectorStatus['status'], string> = {
  connected: 'Connected',
  failing: 'Failing',
  idle: 'No traffic for a day',
};

const percent = (rate: number) => `${Math.round(rate * 1000) / 10} %`;

/**
 * Connector health for leads and admins: for each channel, whether it works, what was refused
 * (forged signatures, wrong tokens, malformed payloads), the last event in and the last reply out.
 */
export function ConnectorsPanel({ onClose }: { onClose: () => void }) {
  const session = useAppStore((s) => s.session);
  const [connectors, setConnectors] = useState<ConnectorStatus[] | null>(null);
  const [problem, setProblem] = useState<string | null>(null);

  const load = useCallback(async () => {
    if (!session) return;
    const result = await fetchConnectors(session.serverUrl, session.token);
    if (result.ok) {
      setConnectors(result.connectors);
      setProblem(null);
    } else setProblem(result.message);
  }, [session]);

  useEffect(() => {
    void load();
    const timer = setInterval(() => void load(), REFRESH_MS);
    return () => clearInterval(timer);
  }, [load]);

  return (
    <section className="panel connectors-panel" aria-labelledby="connectors-title">
      <header className="panel-header">
        <h2 id="connectors-title">Channel connectors</h2>
        <button type="button" onClick={() => void load()}>
          Refresh
        </button>
        <button type="button" onClick={onClose}>
          Close
        </button>
      </header>
      {problem && (
        <p className="notice" role="alert" data-testid="connectors-problem">
          {problem}
        </p>
      )}
      {!connectors && !problem && <p>Loading…</p>}
      {connectors && (
        <table className="connectors" data-testid="connectors">
          <caption className="visually-hidden">Health of each channel connection since the server started</caption>
          <thead>
            <tr>
              <th scope="col">Channel</th>
              <th scope="col">State</th>
              <th scope="col">Events in</th>
              <th scope="col">Last event</th>
              <th scope="col">Refused</th>
              <th scope="col">Replies sent</th>
              <th scope="col">Last problem</th>
            </tr>
          </thead>
          <tbody>
            {connectors.map((c) => (
              <tr key={c.connector} data-testid={`connector-${c.connector}`} data-status={c.status}>
                <th scope="row">{NAMES[c.connector]}</th>
                <td className={`connector-${c.status}`}>{STATUS[c.status]}</td>
                <td>{c.events}</td>
                <td>{c.lastEventAt ? formatWhen(c.lastEventAt) : 'Never'}</td>
                <td>
                  {c.badSignatures} bad signatures ({percent(c.badSignatureRate)} in the last hour), {c.authFailures}{' '}
                  wrong tokens, {c.malformed} malformed
                </td>
                <td>
                  {c.sent}
                  {c.sendFailures > 0 && `, ${c.sendFailures} failed`}
                </td>
                <td>{c.lastError ? `${formatWhen(c.lastError.at)}: ${c.lastError.message}` : 'None'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
