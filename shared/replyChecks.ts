import twitterText from 'twitter-text';

// twitter-text is CommonJS: Node's ESM loader (the server under tsx) gives only its default export.
const { parseTweet } = twitterText;

/**
 * The composer's checks on a reply before it is queued (issue 5): X's weighted length, personal
 * data in a public reply, and template variables. Pure functions, so the composer can run them on
 * every keystroke and tests can pin them down.
 */

export interface XLength {
  /** X's weighted count: most CJK and emoji count 2, every URL 23. */
  weighted: number;
  limit: number;
  remaining: number;
  valid: boolean;
  /** The last character (UTF-16 index) that still fits, to mark the overflow. */
  fitsUpTo: number;
}

export const X_LIMIT = 280;

export function xLength(text: string): XLength {
  const parsed = parseTweet(text);
  return {
    weighted: parsed.weightedLength,
    limit: X_LIMIT,
    remaining: X_LIMIT - parsed.weightedLength,
    // An empty post is not "invalid" for the counter; the send button handles empty bodies.
    valid: parsed.valid || text.trim() === '',
    fitsUpTo: parsed.validRangeEnd,
  };
}

export type PersonalDataKind = 'email' | 'phone' | 'reference' | 'card';

export interface PersonalDataMatch {
  kind: PersonalDataKind;
  text: string;
  index: number;
}

const PATTERNS: [PersonalDataKind, RegExp][] = [
  ['email', /[\w.+-]+@[\w-]+(?:\.[\w-]+)+/g],
  // Order, account, booking, invoice, ticket or customer numbers, as agents write them. The value
  // holds a digit: "your booking reference" or "Accounting-team" name no number.
  [
    'reference',
    /\b(?:order|account|acct|booking|invoice|ticket|customer|member|policy|ref(?:erence)?)\s*(?:no\.?|number|nr\.?|id)?\s*[#:]?\s*(?=[A-Z-]*\d)[A-Z0-9][A-Z0-9-]{4,}\b/gi,
  ],
  // Cards and phones stand on their own: digits joined by a dash or a dot to letters or digits
  // around them are part of a longer token (a case id, a UUID in a link, a version), not a number.
  // 13 to 19 digits, optionally grouped by spaces or dashes: a payment card.
  ['card', /(?<!\w[-.])\b\d(?:[ -]?\d){12,18}\b(?![-.]\w)/g],
  // A phone number: an optional +, then 7 to 15 digits with the usual separators.
  ['phone', /(?<![\w@])(?<!\w[-.])\+?\(?\d{1,4}\)?(?:[ .-]?\(?\d{2,4}\)?){2,5}(?![\w@])(?![-.]\w)/g],
];

const DATE = /^(?:\d{4}[-./]\d{1,2}[-./]\d{1,2}|\d{1,2}[-./]\d{1,2}[-./]\d{2,4})$/;

/** Personal data a public reply should not carry; each match once, cards before phones. */
export function personalData(text: string): PersonalDataMatch[] {
  const found: PersonalDataMatch[] = [];
  const taken: [number, number][] = [];
  for (const [kind, pattern] of PATTERNS) {
    for (const m of text.matchAll(pattern)) {
      const start = m.index;
      const end = start + m[0].length;
      if (kind === 'phone' && (m[0].replace(/\D/g, '').length < 7 || DATE.test(m[0].trim()))) continue;
      if (taken.some(([a, b]) => start < b && end > a)) continue;
      taken.push([start, end]);
      found.push({ kind, text: m[0].trim(), index: start });
    }
  }
  return found.sort((a, b) => a.index - b.index);
}

export interface FilledTemplate {
  text: string;
  /** Variables the template uses that have no value here: the agent must fill them in. */
  missing: string[];
}

/** Fills `{name}` variables (as approved answers write them); empty or unknown ones stay visible and are listed. */
export function fillTemplate(
  template: string,
  values: Readonly<Record<string, string | null | undefined>>,
): FilledTemplate {
  const missing = new Set<string>();
  const text = template.replace(/\{\s*([a-zA-Z][\w.]*)\s*\}/g, (whole, name: string) => {
    const value = values[name];
    if (value === undefined || value === null || value.trim() === '') {
      missing.add(name);
      return whole;
    }
    return value;
  });
  return { text, missing: [...missing] };
}
