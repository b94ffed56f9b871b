import { useId } from 'react';
import type { IdleAway } from './useIdleAway';

/**
 * Asks an agent who was set Away automatically whether to be Available again. The status region
 * is always there (empty when there is nothing to ask) so screen readers announce the question.
 */
export function IdlePrompt({ prompt, backToAvailable, stayAway }: IdleAway) {
  const messageId = useId();
  return (
    <div role="status" className={prompt ? 'notice idle-prompt' : undefined} data-testid="idle-prompt">
      {prompt && (
        <>
          <span id={messageId}>{prompt}</span>{' '}
          <button type="button" aria-describedby={messageId} onClick={backToAvailable}>
            Back to Available
          </button>{' '}
          <button type="button" aria-describedby={messageId} onClick={stayAway}>
            Stay Away
          </button>
        </>
      )}
    </div>
  );
}
