import { useId, useState } from 'react';
import { useSync } from '../../sync/ui/syncContext';
import { CalibrationItem } from './CalibrationItem';
import { StartCalibration } from './StartCalibration';
import { useCalibrations } from './useCalibrations';
import './calibration.css';

/**
 * Calibrations (issue 8): several leads score the same conversation blind with one scorecard
 * version, then see the spread per criterion and agree a reference. Starting one and agreeing
 * its reference are ops, so both work offline.
 */
export function CalibrationsTab() {
  const { db, agentId } = useSync()!;
  const board = useCalibrations(db, agentId);
  const headingId = useId();
  const [starting, setStarting] = useState(false);
  const [started, setStarted] = useState(false);

  return (
    <section className="cal-tab" aria-labelledby={headingId} data-testid="calibrations-tab">
      <div className="cal-tab-head">
        <h2 id={headingId}>Calibrations</h2>
        {!starting && (
          <button
            type="button"
            className="primary"
            data-testid="calibration-start"
            onClick={() => {
              setStarting(true);
              setStarted(false);
            }}
          >
            Start a calibration
          </button>
        )}
      </div>
      <p className="cal-intro">
        Several leads score the same conversation blind; once you submitted yours you see everyone’s ratings side by
        side, and the lead who started it agrees the reference.
      </p>
      <p role="status" className="cal-started">
        {started ? 'Calibration started. Each lead scores it blind from this list.' : ''}
      </p>
      {starting && (
        <StartCalibration
          onCancel={() => setStarting(false)}
          onStarted={() => {
            setStarting(false);
            setStarted(true);
          }}
        />
      )}
      {!board ? (
        <p className="cal-note">Loading…</p>
      ) : board.calibrations.length ? (
        <ul className="cal-list" aria-label="Your calibrations" data-testid="calibration-list">
          {board.calibrations.map((view) => (
            <CalibrationItem key={view.calibration.id} view={view} names={board.names} />
          ))}
        </ul>
      ) : (
        <p className="cal-note" data-testid="calibration-empty">
          No calibrations yet. Start one to have several leads score the same conversation and compare.
        </p>
      )}
    </section>
  );
}
