import { useId, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import { failureSentence } from '../../conversation/words';
import { COMMENT_MAX } from './disputeWords';

/**
 * The state of a form that queues a comment (a dispute, a decision): the text, the sentence saying
 * what is wrong, and one send at a time. `keeps` names what a failed queueing keeps ("comment").
 */
export function useCommentForm(initialComment: string, keeps: string) {
  const [comment, setComment] = useState(initialComment);
  const [error, setError] = useState<string | null>(null);
  const [sending, setSending] = useState(false);
  const inFlight = useRef(false);
  const field = useRef<HTMLTextAreaElement>(null);

  /** Says the problem, if there is one; otherwise queues and clears the text, or says why it could not. */
  const submit = async (
    problem: () => string | null,
    enqueue: () => Promise<unknown>,
    on: { problem?: () => void; sent?: () => void } = {},
  ) => {
    if (inFlight.current) return;
    const found = problem();
    if (found) {
      setError(found);
      on.problem?.();
      return;
    }
    inFlight.current = true;
    setSending(true);
    setError(null);
    try {
      await enqueue();
      setComment('');
      on.sent?.();
    } catch (err) {
      setError(`Not queued: ${failureSentence(err)} Your ${keeps} is still here.`);
    } finally {
      inFlight.current = false;
      setSending(false);
    }
  };

  return { comment, setComment, error, setError, sending, field, submit };
}

export type CommentFormState = ReturnType<typeof useCommentForm>;

/**
 * A form ending in a required comment, its problem and Send (and Cancel): `name` names its test ids
 * (`${name}-form`, `${name}-comment`, `${name}-error`, `send-${name}`, `cancel-${name}`). What comes
 * before the comment is `children`; `fieldClassName` wraps the comment's label, box and hint.
 */
export function CommentForm({
  name,
  state,
  label,
  hint,
  rows,
  sendLabel,
  onSend,
  onCancel,
  fieldClassName,
  children,
}: {
  name: string;
  state: CommentFormState;
  label: ReactNode;
  /** Shown under the box, before the length limit. */
  hint: string;
  rows: number;
  sendLabel: string;
  onSend: () => void;
  onCancel?: (() => void) | undefined;
  fieldClassName?: string | undefined;
  children?: ReactNode;
}) {
  const { comment, setComment, error, setError, sending, field } = state;
  const id = useId();

  const onKeyDown = (e: KeyboardEvent<HTMLTextAreaElement>) => {
    if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      onSend();
    }
  };

  const commentField = (
    <>
      <label htmlFor={`${id}-comment`}>{label}</label>
      <textarea
        id={`${id}-comment`}
        ref={field}
        rows={rows}
        value={comment}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        aria-invalid={error ? true : undefined}
        data-testid={`${name}-comment`}
        onChange={(e) => {
          setComment(e.target.value);
          setError(null);
        }}
        onKeyDown={onKeyDown}
      />
      <p id={`${id}-hint`} className="qd-muted qd-hint">
        {hint} Up to {COMMENT_MAX.toLocaleString('en')} characters; Ctrl+Enter sends.
      </p>
    </>
  );

  return (
    <form
      className="qd-form"
      data-testid={`${name}-form`}
      onSubmit={(e) => {
        e.preventDefault();
        onSend();
      }}
    >
      {children}
      {fieldClassName ? <div className={fieldClassName}>{commentField}</div> : commentField}
      {error && (
        <p id={`${id}-error`} className="error" role="alert" data-testid={`${name}-error`}>
          {error}
        </p>
      )}
      <div className="qd-actions">
        <button type="submit" className="primary" disabled={sending} data-testid={`send-${name}`}>
          {sendLabel}
        </button>
        {onCancel && (
          <button type="button" onClick={onCancel} data-testid={`cancel-${name}`}>
            Cancel
          </button>
        )}
      </div>
    </form>
  );
}
