import type { ScorecardDraftInput, ScorecardVersionView } from '../../shared/qa/scorecard';
import type { TestServer } from '../testing/testServer';

/**
 * Creates a scorecard as a lead (or admin) and publishes it as version 1, through the HTTP routes
 * the app uses: what the QA integration tests start from.
 */
export async function publishScorecard(
  t: TestServer,
  leadId: string,
  draft: ScorecardDraftInput,
): Promise<ScorecardVersionView> {
  const token = await t.signIn(leadId);
  const post = async (path: string, payload?: unknown) => {
    const response = await fetch(`${t.url}${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, ...(payload ? { 'content-type': 'application/json' } : {}) },
      ...(payload ? { body: JSON.stringify(payload) } : {}),
    });
    const body = (await response.json()) as ScorecardVersionView;
    if (!response.ok) throw new Error(`${path} answered ${response.status}: ${JSON.stringify(body)}`);
    return body;
  };
  const created = await post('/api/scorecards', draft);
  return post(`/api/scorecards/${created.scorecardId}/publish`);
}
