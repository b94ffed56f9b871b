/** A list that could not be loaded: the sentence saying why, and a way to try again. */
export function LoadProblem({
  problem,
  testId,
  onRetry,
}: {
  problem: string | null;
  testId: string;
  onRetry: () => void;
}) {
  if (!problem) return null;
  return (
    <p className="error" role="alert" data-testid={testId}>
      {problem}{' '}
      <button type="button" className="link" onClick={onRetry}>
        Try again
      </button>
    </p>
  );
}

/** Under a form: what stopped it from being saved (an alert), or that it was saved (a status). */
export function FormOutcome({
  problem,
  problemTestId,
  notice,
  noticeTestId,
}: {
  problem: string | null;
  problemTestId: string;
  notice: string | null;
  noticeTestId: string;
}) {
  return (
    <>
      {problem && (
        <p className="error" role="alert" data-testid={problemTestId}>
          {problem}
        </p>
      )}
      {notice && (
        <p className="saved-notice" role="status" data-testid={noticeTestId}>
          {notice}
        </p>
      )}
    </>
  );
}
