import Sentiment from 'sentiment';

export type SentimentLabel = 'negative' | 'neutral' | 'positive';
export type SentimentScore = { score: number; label: SentimentLabel };

/**
 * AFINN's comparative score is the summed word valence (-5…+5 per word) divided by the number of
 * words, so one clear word in a short post already reaches ±1; we clamp there. The band around zero
 * keeps a single mild word in a long message ("please" in a 20-word question) neutral.
 */
export const NEGATIVE_AT_OR_BELOW = -0.05;
export const POSITIVE_AT_OR_ABOVE = 0.05;

// One analyser for the process: it holds no per-call state (we never pass `extras`, which the
// library merges into its shared word list).
const analyser = new Sentiment();

// Links are random letters to AFINN and only dilute the per-word average.
const URL_PATTERN = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)\S+/giu;

export function scoreSentiment(text: string): SentimentScore {
  const { comparative } = analyser.analyze(text.replace(URL_PATTERN, ' '));
  const score = Math.max(-1, Math.min(1, Number.isFinite(comparative) ? comparative : 0));
  const label: SentimentLabel =
    score <= NEGATIVE_AT_OR_BELOW ? 'negative' : score >= POSITIVE_AT_OR_ABOVE ? 'positive' : 'neutral';
  return { score, label };
}
