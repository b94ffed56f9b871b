/**
 * Company alerts this person dismissed on this computer, so a dismissed banner stays gone after a
 * reload or restart. Kept per agent, the newest few only; a storage that refuses (private mode,
 * quota) keeps them for this window only.
 */

const KEEP = 100;

const key = (agentId: string) => `switchboard:dismissed-alerts:${agentId}`;

export function loadDismissed(agentId: string): string[] {
  try {
    const parsed: unknown = JSON.parse(localStorage.getItem(key(agentId)) ?? '[]');
    return Array.isArray(parsed) ? parsed.filter((id): id is string => typeof id === 'string') : [];
  } catch {
    return [];
  }
}

/** Adds `alertId` and returns the new list. */
export function saveDismissed(agentId: string, dismissed: readonly string[], alertId: string): string[] {
  const next = [...dismissed.filter((id) => id !== alertId), alertId].slice(-KEEP);
  try {
    localStorage.setItem(key(agentId), JSON.stringify(next));
  } catch {
    // Refused: dismissed for this window's life only.
  }
  return next;
}
