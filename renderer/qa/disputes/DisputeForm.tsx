import { useEffect } from 'react';
import { useSync } from '../../sync/ui/syncContext';
import { CommentForm, useCommentForm } from './CommentForm';
import { commentProblem } from './disputeWords';

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
  const form = useCommentForm(initialComment, 'comment');
  const { field } = form;

  useEffect(() => field.current?.focus(), [field]);

  const send = () =>
    void form.submit(
      () => commentProblem(form.comment, 'Say why you dispute this rating: write a comment, then send it.'),
      () =>
        connection.enqueue('dispute.open', {
          disputeId: crypto.randomUUID(),
          reviewId,
          criterionId,
          comment: form.comment.trim(),
        }),
      { problem: () => field.current?.focus(), sent: onDone },
    );

  return (
    <CommentForm
      name="dispute"
      state={form}
      label={`Why do you dispute “${criterionLabel}”?`}
      hint="Your lead reads this with the review."
      rows={4}
      sendLabel="Send dispute"
      onSend={send}
      onCancel={onDone}
    />
  );
}
