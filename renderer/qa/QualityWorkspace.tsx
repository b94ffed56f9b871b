import { useEffect } from 'react';
import { useAppStore } from '../store/store';
import { useSync } from '../sync/ui/syncContext';
import type { QualityTab } from '../store/qaSlice';
import { CalibrationsTab } from './calibration/CalibrationsTab';
import { DisputesTab } from './disputes/DisputesTab';
import { MyReviewsTab } from './disputes/MyReviewsTab';
import { QualityTab as QualityScoresTab } from './quality/QualityTab';
import { ReviewQueue } from './review/ReviewQueue';
import { ReviewWorkspace } from './review/ReviewWorkspace';
import { ScorecardsTab } from './scorecards/ScorecardsTab';
import './qa.css';

const LEAD_TABS: { id: QualityTab; label: string }[] = [
  { id: 'review', label: 'To review' },
  { id: 'calibrations', label: 'Calibrations' },
  { id: 'disputes', label: 'Disputes' },
  { id: 'quality', label: 'Quality scores' },
  { id: 'scorecards', label: 'Scorecards and sampling' },
];

const AGENT_TABS: { id: QualityTab; label: string }[] = [
  { id: 'mine', label: 'My reviews' },
  { id: 'quality', label: 'My quality trend' },
];

/**
 * Quality assurance (issue 8) in the same app: team leads review, calibrate, settle disputes and
 * watch quality scores; an agent sees their own reviews, disputes a criterion and follows their
 * own trend. An open review takes the whole area.
 */
export function QualityWorkspace() {
  const role = useAppStore((s) => s.session?.agent.role ?? 'agent');
  const tab = useAppStore((s) => s.qualityTab);
  const setTab = useAppStore((s) => s.setQualityTab);
  const target = useAppStore((s) => s.reviewTarget);
  const tabs = role === 'agent' ? AGENT_TABS : LEAD_TABS;
  const current = tabs.some((t) => t.id === tab) ? tab! : tabs[0]!.id;
  useEffect(() => {
    if (tab !== current) setTab(current);
  }, [tab, current, setTab]);

  // Right after sign-in the sync worker may not be bound yet: the screens below all read from it.
  const sync = useSync();
  if (!sync)
    return (
      <p className="notice" role="status" data-testid="quality-connecting">
        Opening your data on this computer…
      </p>
    );
  if (target) return <ReviewWorkspace key={JSON.stringify(target)} target={target} />;
  return (
    <section className="quality-workspace" aria-label="Quality" data-testid="quality-workspace">
      <nav className="quality-tabs" role="tablist" aria-label="Quality sections">
        {tabs.map((t) => (
          <button
            key={t.id}
            type="button"
            role="tab"
            aria-selected={t.id === current}
            data-testid={`quality-tab-${t.id}`}
            onClick={() => setTab(t.id)}
          >
            {t.label}
          </button>
        ))}
      </nav>
      <div className="quality-body" role="tabpanel">
        {current === 'review' && <ReviewQueue />}
        {current === 'calibrations' && <CalibrationsTab />}
        {current === 'disputes' && <DisputesTab />}
        {current === 'quality' && <QualityScoresTab />}
        {current === 'scorecards' && <ScorecardsTab />}
        {current === 'mine' && <MyReviewsTab />}
      </div>
    </section>
  );
}
