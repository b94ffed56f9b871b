import { useEffect, useId, useRef, useState, type KeyboardEvent } from 'react';
import { failureSentence } from '../../conversation/words';
import { useSync } from '../../sync/ui/syncContext';
import { COMMENT_MAX, commentProblem } from './disputeWords';

/**
 * The agent disputes one criterion of a submitted review: a comment saying why, queued as a
 * `dispute.open` op (offline too). A refused queueing keeps the text.
 */
export function DisputeForm({
  reviewId,
  criterionId,
  criterionLabel,
  initialComment = '',
  onDone,
}: {
  reviewId: string;
  criterionId: string;
  criterionLabel: string;
  initialComment?: string;
  onDone: () => void;
}) {
  const { connection } = useSync()!;
  const [comment, setComment] = useState(initialComment);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inFlight = useRef(false);
  const field = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  useEffect(() => field.current?.focus(), []);

  const send = async () => {
    if (inFlight.current) return;
    const problem = commentProblem(comment, 'Say why you dispute this rating: write a comment, then send it.');
    if (problem) {
      setError(problem);
      field.current?.focus();
      return;
    }
    inFlight.current = true;
    setSending(true);
    setError(null);
    try {
      await connection.enqueue('dispute.open', {
        disputeId: crypto.randomUUID(),
        reviewId,
        criterionId,
        comment: comment.trim(),
      });
      setComment('');
      onDone();
    } catch (err) {
      setError(`Not queued: ${failureSentence(err)} Your comment is still here.`);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      void send();
    }
  };

  return (
    <form
      className="qd-form"
      data-testid="dispute-form"
      onSubmit={(e) => {
        e.preventDefault();
        void send();
      }}
    >
      <label htmlFor={`${id}-comment`}>Why do you dispute “{criterionLabel}”?</label>
      <textarea
        id={`${id}-comment`}
        ref={field}
        rows={4}
        value={comment}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        data-testid="dispute-comment"
        onChange={(e) => {
          setComment(e.target.value);
          setError(null);
        }}
        onKeyDown={onKeyDown}
      />
      <p id={`${id}-hint`} className="qd-muted qd-hint">
        Your lead reads this with the review. Up to {COMMENT_MAX.toLocaleString('en')} characters; Ctrl+Enter sends.
      </p>
      {error && (
        <p id={`${id}-error`} className="error" role="alert" data-testid="dispute-error">
          {error}
        </p>
      )}
      <div className="qd-actions">
        <button type="submit" className="primary" disabled={sending} data-testid="send-dispute">
          Send dispute
        </button>
        <button type="button" onClick={onDone} data-testid="cancel-dispute">
          Cancel
        </button>
      </div>
    </form>
  );
}
