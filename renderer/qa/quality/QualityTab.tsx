import { useLiveQuery } from 'dexie-react-hooks';
import { useMemo, useState } from 'react';
import { AgentSchema, parseRows } from '../../conversation/rows';
import { useAppStore } from '../../store/store';
import { useSync } from '../../sync/ui/syncContext';
import { newestVersions, ScorecardVersionRowSchema } from '../rows';
import { QualityChart } from './QualityChart';
import { fetchQualityCsv, saveFile } from './qualityExport';
import {
  BUCKET_OPTIONS,
  buildSeries,
  chartedSeries,
  controlsProblem,
  csvFallbackName,
  defaultControls,
  GROUP_BY_OPTIONS,
  groupByLabel,
  qualityQuery,
  type GroupDirectory,
  type QualityControls,
} from './qualitySeries';
import { QualityTable } from './QualityTable';
import { useQualityScores } from './useQualityScores';
import './quality.css';

const NO_NAMES: GroupDirectory = { agents: new Map(), scorecards: new Map() };
const CHART_LIMIT = 12;

/** Agent and scorecard names, live from the mirror. */
function useGroupDirectory(): GroupDirectory {
  const db = useSync()?.db;
  return (
    useLiveQuery(async (): Promise<GroupDirectory> => {
      if (!db) return NO_NAMES;
      const [agents, cards] = await Promise.all([db.agents.toArray(), db.scorecards.toArray()]);
      return {
        agents: new Map(parseRows(AgentSchema, agents).map((a) => [a.id, a.name])),
        scorecards: new Map(
          [...newestVersions(parseRows(ScorecardVersionRowSchema, cards)).values()].map((c) => [c.scorecardId, c.name]),
        ),
      };
    }, [db]) ?? NO_NAMES
  );
}

/** A control of the view, labelled by the words around it. */
interface ControlProps<T extends string> {
  label: string;
  value: T;
  onChange: (value: T) => void;
  testId: string;
}

function OptionSelect<T extends string>({
  label,
  value,
  options,
  onChange,
  testId,
}: ControlProps<T> & { options: readonly { id: T; label: string }[] }) {
  return (
    <label>
      {label}
      <select value={value} onChange={(e) => onChange(e.target.value as T)} data-testid={testId}>
        {options.map((o) => (
          <option key={o.id} value={o.id}>
            {o.label}
          </option>
        ))}
      </select>
    </label>
  );
}

function DateField({ label, value, onChange, testId }: ControlProps<string>) {
  return (
    <label>
      {label}
      <input type="date" value={value} onChange={(e) => onChange(e.target.value)} data-testid={testId} />
    </label>
  );
}

/**
 * Quality scores over time (issue 8): a lead or admin picks the grouping (agent, team, channel,
 * scorecard), the bucket and the dates, and sees a chart, the same figures as a table, and a CSV
 * export. An agent sees their own trend (the server keeps them to it). Online only.
 */
export function QualityTab() {
  const session = useAppStore((s) => s.session);
  const agentView = (session?.agent.role ?? 'agent') === 'agent';
  const [controls, setControls] = useState<QualityControls>(() => defaultControls(new Date()));
  const [exporting, setExporting] = useState(false);
  const [exportProblem, setExportProblem] = useState<string | null>(null);
  const directory = useGroupDirectory();

  const problem = controlsProblem(controls);
  const query = problem ? null : qualityQuery(controls, agentView);
  const { scores, reload } = useQualityScores(query);
  const data = scores.status === 'ready' ? scores.data : null;
  const view = useMemo(() => (data ? buildSeries(data.rows, data.groupBy, directory) : null), [data, directory]);
  const charted = useMemo(() => (view ? chartedSeries(view.series, CHART_LIMIT) : []), [view]);

  const change = (patch: Partial<QualityControls>) => setControls((c) => ({ ...c, ...patch }));
  const exportCsv = async () => {
    if (!session || query === null) return;
    setExporting(true);
    const result = await fetchQualityCsv(session, query, csvFallbackName(controls, agentView));
    setExporting(false);
    if (!result.ok) return setExportProblem(result.message);
    setExportProblem(null);
    saveFile(result.blob, result.filename);
  };

  const heading = agentView ? 'My quality trend' : 'Quality scores';
  const bucket = data?.bucket ?? controls.bucket;
  const groupWord = groupByLabel(data?.groupBy ?? controls.groupBy).toLowerCase();
  const caption = agentView ? `My quality score per ${bucket}` : `Quality score by ${groupWord}, per ${bucket}`;
  const description = agentView
    ? `Line chart of my quality score per ${bucket}, on a scale of 0 to 100. The figures are in the table below.`
    : `Line chart of the quality score per ${bucket}, one line per ${groupWord}, on a scale of 0 to 100. The figures are in the table below.`;

  return (
    <section className="quality-scores" aria-labelledby="quality-scores-heading" data-testid="quality-scores">
      <h2 id="quality-scores-heading">{heading}</h2>
      <p className="quality-muted">
        The mean score of submitted reviews (0–100); calibration reviews are left out. Dates and periods are in UTC.
      </p>
      <div className="quality-controls" role="group" aria-label="What to show">
        {!agentView && (
          <OptionSelect
            label="Group by"
            value={controls.groupBy}
            options={GROUP_BY_OPTIONS}
            onChange={(groupBy) => change({ groupBy })}
            testId="quality-group-by"
          />
        )}
        <OptionSelect
          label="Period"
          value={controls.bucket}
          options={BUCKET_OPTIONS}
          onChange={(bucket) => change({ bucket })}
          testId="quality-bucket"
        />
        <DateField label="From" value={controls.from} onChange={(from) => change({ from })} testId="quality-from" />
        <DateField label="To" value={controls.to} onChange={(to) => change({ to })} testId="quality-to" />
        <button
          type="button"
          onClick={() => void exportCsv()}
          disabled={query === null || exporting}
          data-testid="quality-export"
        >
          {exporting ? 'Exporting…' : 'Export CSV'}
        </button>
      </div>
      {exportProblem && (
        <p className="error" role="alert" data-testid="quality-export-error">
          {exportProblem}
        </p>
      )}

      {problem && (
        <p className="error" role="alert" data-testid="quality-error">
          {problem}
        </p>
      )}
      {scores.status === 'error' && (
        <div className="quality-failure">
          <p className="error" role="alert" data-testid="quality-error">
            {scores.message}
          </p>
          <button type="button" onClick={reload} data-testid="quality-retry">
            Try again
          </button>
        </div>
      )}
      {scores.status === 'loading' && (
        <p className="quality-muted" role="status" data-testid="quality-loading">
          Loading quality scores…
        </p>
      )}
      {view && view.series.length === 0 && (
        <p className="quality-muted" data-testid="quality-empty">
          No submitted reviews in this period.
        </p>
      )}
      {view && view.series.length > 0 && data && (
        <>
          <QualityChart series={charted} buckets={view.buckets} bucket={data.bucket} description={description} />
          {charted.length < view.series.length && (
            <p className="quality-muted" data-testid="quality-chart-limited">
              The chart shows the {charted.length} {groupWord}s with the most reviews; all {view.series.length} are in
              the table.
            </p>
          )}
          <QualityTable
            series={view.series}
            bucket={data.bucket}
            groupHeading={agentView ? 'Agent' : groupByLabel(data.groupBy)}
            caption={caption}
          />
        </>
      )}
    </section>
  );
}
