import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { SyncDb } from '../../sync/db';
import { AGENT, AGENT_2, closeQa, type FakeConnection, openSeededQa, renderQa } from '../qaTestKit';
import { QualityTab } from './QualityTab';

const SERVER = 'http://127.0.0.1:9';
const W1 = '2026-03-02T00:00:00.000Z';
const W2 = '2026-03-09T00:00:00.000Z';

type Answer = { status?: number; body?: unknown; text?: string; headers?: Record<string, string> } | 'offline';

/** A fetch that records every call and answers with the next answer (the last one repeats). */
function stubFetch(...answers: Answer[]) {
  const calls: { url: string; auth: string | null }[] = [];
  const fetchStub = vi.fn(async (input: RequestInfo | URL, init?: RequestInit) => {
    calls.push({
      url: typeof input === 'string' ? input : input instanceof URL ? input.href : input.url,
      auth: new Headers(init?.headers).get('Authorization'),
    });
    const answer = answers.length > 1 ? answers.shift()! : answers[0]!;
    if (answer === 'offline') throw new TypeError('Failed to fetch');
    return new Response(answer.text ?? JSON.stringify(answer.body), {
      status: answer.status ?? 200,
      headers: answer.headers ?? { 'content-type': 'application/json' },
    });
  });
  vi.stubGlobal('fetch', fetchStub);
  return calls;
}

const scoresOf = (groupBy: string, rows: unknown[], bucket = 'week') => ({
  body: { groupBy, bucket, from: '2026-01-05T00:00:00.000Z', to: '2026-03-31T00:00:00.000Z', rows },
});

const queryOf = (url: string) => Object.fromEntries(new URL(url).searchParams);

describe('Quality scores tab', () => {
  let db: SyncDb;
  let connection: FakeConnection;
  beforeEach(async () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(new Date('2026-03-30T12:00:00Z'));
    ({ db, connection } = await openSeededQa());
  });
  afterEach(async () => {
    vi.useRealTimers();
    vi.restoreAllMocks();
    await closeQa(db);
  });

  it('shows a lead each agent by name with the score to one decimal and the reviews, the table standing in for the chart', async () => {
    const calls = stubFetch(
      scoresOf('agent', [
        { group: AGENT_2, bucketStart: W1, score: 62.5, reviews: 2 },
        { group: AGENT, bucketStart: W2, score: 91.25, reviews: 1 },
        { group: AGENT, bucketStart: W1, score: 83.3333, reviews: 3 },
        { group: 'agent-gone', bucketStart: W2, score: 0, reviews: 1 },
      ]),
    );
    renderQa(<QualityTab />, { db, connection });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('Quality scores');

    const table = await screen.findByTestId('quality-table');
    await waitFor(() => expect(within(table).getAllByRole('rowheader')[1]!.textContent).toBe('Ann Agent'));
    const rows = within(table)
      .getAllByTestId('quality-row')
      .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent));
    expect(rows).toEqual([
      ['agent-gone', '9 Mar 2026', '0.0', '1'],
      ['Ann Agent', '2 Mar 2026', '83.3', '3'],
      ['Ann Agent', '9 Mar 2026', '91.3', '1'],
      ['Bo Agent', '2 Mar 2026', '62.5', '2'],
    ]);
    expect(
      within(table)
        .getAllByRole('columnheader')
        .map((h) => h.textContent),
    ).toEqual(['Agent', 'Week starting', 'Quality score', 'Reviews']);

    // The default: by agent, per week, the last 12 weeks up to today (to is exclusive on the server).
    expect(calls).toHaveLength(1);
    expect(calls[0]!.url.startsWith(`${SERVER}/api/qa/quality?`)).toBe(true);
    expect(queryOf(calls[0]!.url)).toEqual({ groupBy: 'agent', bucket: 'week', from: '2026-01-05', to: '2026-03-31' });
    expect(calls[0]!.auth).toBe('Bearer token-1');

    // happy-dom has no 2D canvas: the chart says so instead of throwing.
    expect(screen.getByTestId('quality-chart-unavailable')).toBeTruthy();
    expect(screen.getByTestId<HTMLCanvasElement>('quality-chart').hidden).toBe(true);
  });

  it('sends the chosen grouping, bucket and dates, and names channels as the app does', async () => {
    const calls = stubFetch(
      scoresOf('agent', []),
      scoresOf(
        'channel',
        [
          { group: 'voice', bucketStart: '2026-01-01T00:00:00.000Z', score: 70, reviews: 4 },
          { group: 'x_public', bucketStart: '2026-01-01T00:00:00.000Z', score: 55.56, reviews: 2 },
        ],
        'month',
      ),
    );
    renderQa(<QualityTab />, { db, connection });
    await screen.findByTestId('quality-empty');

    fireEvent.change(screen.getByTestId('quality-group-by'), { target: { value: 'channel' } });
    fireEvent.change(screen.getByTestId('quality-bucket'), { target: { value: 'month' } });
    fireEvent.change(screen.getByTestId('quality-from'), { target: { value: '2026-01-01' } });
    fireEvent.change(screen.getByTestId('quality-to'), { target: { value: '2026-01-31' } });

    await waitFor(() =>
      expect(queryOf(calls.at(-1)!.url)).toEqual({
        groupBy: 'channel',
        bucket: 'month',
        from: '2026-01-01',
        to: '2026-02-01',
      }),
    );
    const table = await screen.findByTestId('quality-table');
    await waitFor(() => expect(within(table).getAllByTestId('quality-row')).toHaveLength(2));
    expect(
      within(table)
        .getAllByTestId('quality-row')
        .map((r) => [...r.querySelectorAll('th, td')].map((c) => c.textContent)),
    ).toEqual([
      ['Phone call', 'Jan 2026', '70.0', '4'],
      ['X post', 'Jan 2026', '55.6', '2'],
    ]);
    expect(within(table).getAllByRole('columnheader')[0]!.textContent).toBe('Channel');
  });

  it('names teams by the label the server sends, and a lone week as one row', async () => {
    stubFetch(
      scoresOf('agent', []),
      scoresOf('team', [
        { group: 'team-social', label: 'Social care', bucketStart: W1, score: 76.5, reviews: 3 },
        { group: null, label: null, bucketStart: W1, score: 40, reviews: 1 },
      ]),
    );
    renderQa(<QualityTab />, { db, connection });
    await screen.findByTestId('quality-empty');
    fireEvent.change(screen.getByTestId('quality-group-by'), { target: { value: 'team' } });
    const table = await screen.findByTestId('quality-table');
    await waitFor(() => expect(within(table).getAllByTestId('quality-row')).toHaveLength(2));
    expect(
      within(table)
        .getAllByTestId('quality-row')
        .map((r) => [r.dataset.group, ...[...r.querySelectorAll('th, td')].map((c) => c.textContent)]),
    ).toEqual([
      ['', 'No team', '2 Mar 2026', '40.0', '1'],
      ['team-social', 'Social care', '2 Mar 2026', '76.5', '3'],
    ]);
  });

  it('names agents by the server label before the mirror', async () => {
    stubFetch(scoresOf('agent', [{ group: AGENT, label: 'Ann Agent-Smith', bucketStart: W1, score: 75, reviews: 2 }]));
    renderQa(<QualityTab />, { db, connection });
    const row = await screen.findByTestId('quality-row');
    expect(row.querySelector('th')!.textContent).toBe('Ann Agent-Smith');
  });

  it('names scorecards from the mirror, by their newest version', async () => {
    stubFetch(scoresOf('scorecard', [{ group: 'card-social', bucketStart: W1, score: 75, reviews: 2 }]));
    renderQa(<QualityTab />, { db, connection });
    const row = await screen.findByTestId('quality-row');
    await waitFor(() => expect(row.querySelector('th')!.textContent).toBe('Customer care'));
  });

  it('shows an agent their own trend: no group-by, one line, the table', async () => {
    const calls = stubFetch(
      scoresOf('agent', [
        { group: AGENT, bucketStart: W2, score: 88, reviews: 1 },
        { group: AGENT, bucketStart: W1, score: 76, reviews: 2 },
      ]),
    );
    renderQa(<QualityTab />, { db, connection, agentId: AGENT, role: 'agent' });
    expect(screen.getByRole('heading', { level: 2 }).textContent).toBe('My quality trend');
    expect(screen.queryByTestId('quality-group-by')).toBeNull();
    expect(screen.getByTestId('quality-bucket')).toBeTruthy();

    const rows = await screen.findAllByTestId('quality-row');
    expect(new Set(rows.map((r) => r.dataset.group))).toEqual(new Set([AGENT]));
    expect(rows.map((r) => r.dataset.bucket)).toEqual([W1, W2]);
    await waitFor(() => expect(rows[0]!.querySelector('th')!.textContent).toBe('Ann Agent'));
    expect(screen.getByTestId('quality-table').querySelector('caption')!.textContent).toBe('My quality score per week');
    expect(queryOf(calls[0]!.url).groupBy).toBe('agent');
  });

  it('says there were no submitted reviews when the period is empty', async () => {
    stubFetch(scoresOf('agent', []));
    renderQa(<QualityTab />, { db, connection });
    expect((await screen.findByTestId('quality-empty')).textContent).toBe('No submitted reviews in this period.');
    expect(screen.queryByTestId('quality-table')).toBeNull();
  });

  it('shows a refusal as its sentence, keeps the controls, and tries again', async () => {
    const calls = stubFetch(
      scoresOf('agent', []),
      { status: 400, body: { error: { code: 'invalid_query', message: 'from: must be an ISO 8601 date' } } },
      {
        status: 403,
        body: {
          error: { code: 'forbidden', message: 'Your account is not in a team, so there are no agents to show.' },
        },
      },
      'offline',
      scoresOf('team', [{ group: 'team-north', bucketStart: W1, score: 50, reviews: 1 }]),
    );
    renderQa(<QualityTab />, { db, connection });
    await screen.findByTestId('quality-empty');

    fireEvent.change(screen.getByTestId('quality-group-by'), { target: { value: 'team' } });
    expect((await screen.findByTestId('quality-error')).textContent).toBe('from: must be an ISO 8601 date');
    expect(screen.getByTestId<HTMLSelectElement>('quality-group-by').value).toBe('team');

    fireEvent.change(screen.getByTestId('quality-from'), { target: { value: '2026-02-02' } });
    await waitFor(() =>
      expect(screen.getByTestId('quality-error').textContent).toBe(
        'Your account is not in a team, so there are no agents to show.',
      ),
    );

    await userEvent.click(screen.getByTestId('quality-retry'));
    await waitFor(() =>
      expect(screen.getByTestId('quality-error').textContent).toBe(
        `Cannot reach the Switchboard server at ${SERVER}. This needs the network; try again once you are online.`,
      ),
    );
    expect(screen.getByTestId<HTMLSelectElement>('quality-group-by').value).toBe('team');
    expect(screen.getByTestId<HTMLInputElement>('quality-from').value).toBe('2026-02-02');

    await userEvent.click(screen.getByTestId('quality-retry'));
    expect((await screen.findByTestId('quality-row')).querySelector('th')!.textContent).toBe('team-north');
    expect(screen.queryByTestId('quality-error')).toBeNull();
    expect(queryOf(calls.at(-1)!.url)).toMatchObject({ groupBy: 'team', from: '2026-02-02' });
  });

  it('refuses reversed dates without asking the server', async () => {
    const calls = stubFetch(scoresOf('agent', []));
    renderQa(<QualityTab />, { db, connection });
    await screen.findByTestId('quality-empty');
    fireEvent.change(screen.getByTestId('quality-from'), { target: { value: '2026-04-01' } });
    expect(screen.getByTestId('quality-error').textContent).toBe('The from date must be on or before the to date.');
    expect(screen.getByTestId<HTMLButtonElement>('quality-export').disabled).toBe(true);
    expect(calls).toHaveLength(1);
  });

  it('exports the CSV of the same query and saves it under the server name, or the controls name', async () => {
    const csv = 'channel,name,bucket_start,quality_score,reviews\r\nvoice,voice,2026-03-02,70.0,4\r\n';
    const calls = stubFetch(
      scoresOf('agent', []),
      scoresOf('channel', []),
      {
        text: csv,
        headers: {
          'content-type': 'text/csv; charset=utf-8',
          'content-disposition': 'attachment; filename="quality-channel-week-2026-01-05-2026-03-31.csv"',
        },
      },
      // Cross-origin, the page may not read content-disposition: the name comes from the controls.
      { text: csv, headers: { 'content-type': 'text/csv; charset=utf-8' } },
      {
        status: 403,
        body: { error: { code: 'forbidden', message: "A team lead sees their own team's quality scores only." } },
      },
    );
    const blobs: Blob[] = [];
    vi.spyOn(URL, 'createObjectURL').mockImplementation((blob) => {
      blobs.push(blob as Blob);
      return `blob:quality-${blobs.length}`;
    });
    vi.spyOn(URL, 'revokeObjectURL').mockImplementation(() => {});
    const saved: { href: string; download: string }[] = [];
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function (this: HTMLAnchorElement) {
      saved.push({ href: this.href, download: this.download });
    });

    renderQa(<QualityTab />, { db, connection });
    await screen.findByTestId('quality-empty');
    fireEvent.change(screen.getByTestId('quality-group-by'), { target: { value: 'channel' } });
    await waitFor(() => expect(calls).toHaveLength(2));
    await screen.findByTestId('quality-empty');

    await userEvent.click(screen.getByTestId('quality-export'));
    await waitFor(() => expect(saved).toHaveLength(1));
    const shown = new URL(calls[1]!.url);
    const exported = new URL(calls[2]!.url);
    expect(exported.pathname).toBe('/api/qa/quality.csv');
    expect(exported.search).toBe(shown.search);
    expect(calls[2]!.auth).toBe('Bearer token-1');
    expect(saved[0]).toEqual({ href: 'blob:quality-1', download: 'quality-channel-week-2026-01-05-2026-03-31.csv' });
    expect(await blobs[0]!.text()).toBe(csv);

    await userEvent.click(screen.getByTestId('quality-export'));
    await waitFor(() => expect(saved).toHaveLength(2));
    expect(saved[1]!.download).toBe('quality-channel-2026-01-05-2026-03-30.csv');

    await userEvent.click(screen.getByTestId('quality-export'));
    expect((await screen.findByTestId('quality-export-error')).textContent).toBe(
      "A team lead sees their own team's quality scores only.",
    );
    expect(saved).toHaveLength(2);
    expect(screen.getByTestId<HTMLSelectElement>('quality-group-by').value).toBe('channel');
  });
});
