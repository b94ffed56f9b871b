/** Being built (issue 8); replaced by the real tab in this session. */
export function ScorecardsTab() {
  return <p>Not built yet.</p>;
}
