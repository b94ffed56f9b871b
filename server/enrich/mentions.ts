import { type IdentityKind } from '../../shared/domain';

/** Contact details a customer wrote in a message: evidence for suggesting an identity link. */
export type ContactMentions = { emails: string[]; phones: string[] };

const URL_PATTERN = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)\S+/giu;
// Anchored after a character that cannot be in an address, so a long run without '@' is scanned
// once instead of once per starting position.
const EMAIL_PATTERN = /(?<![\p{L}\p{N}._%+-])[\p{L}\p{N}._%+-]+@[\p{L}\p{N}-]+(?:\.[\p{L}\p{N}-]+)+/gu;
const TOP_LEVEL_DOMAIN = /\.\p{L}{2,}$/u;
// Digits with single separators (space, dash, dot, parentheses) between them; each separator run
// must be followed by a digit, so there is one way to match and no backtracking.
const PHONE_CANDIDATE = /\+?\(?\d(?:\d|[ ().-]{1,3}(?=\d))*/gu;
// A number glued to a word, a '#' (order numbers), a currency sign or a path is not a phone.
const NOT_BEFORE_PHONE = /[\p{L}\p{N}_#/\\.@\p{Sc}-]/u;
const NOT_AFTER_PHONE = /[\p{L}\p{N}_@\p{Sc}%]/u;
export const MIN_PHONE_DIGITS = 7;
export const MAX_PHONE_DIGITS = 15;

/** 2024-05-12, 12.05.2024, 12/05/24 written with our separators: three groups that read as a date. */
function looksLikeDate(candidate: string): boolean {
  const groups = candidate.split(/[ .()-]+/u).filter(Boolean);
  if (groups.length !== 3) return false;
  const [a = '', b = '', c = ''] = groups;
  const [x, y, z] = [Number(a), Number(b), Number(c)];
  const isMonth = (n: number): boolean => n >= 1 && n <= 12;
  const isDay = (n: number): boolean => n >= 1 && n <= 31;
  if (a.length === 4 && b.length <= 2 && c.length <= 2) return isMonth(y) && isDay(z);
  if (a.length <= 2 && b.length <= 2 && (c.length === 4 || c.length === 2)) {
    return (isDay(x) && isMonth(y)) || (isMonth(x) && isDay(y));
  }
  return false;
}

/**
 * A leading '+' or international '00' marks a country code, which we keep as '+'. Without one we
 * keep the national digits as written: guessing a country would invent evidence.
 */
function phoneDigits(written: string): string {
  if (written.trimStart().startsWith('+')) {
    // "+44 (0) 20 …": the (0) is the national trunk prefix, dialled only from inside the country.
    return `+${written.replace(/\(0\)/gu, '').replace(/\D/gu, '')}`;
  }
  const digits = written.replace(/\D/gu, '');
  if (digits.startsWith('00')) return `+${digits.slice(2)}`;
  return digits;
}

/**
 * Emails (lowercased) and phone numbers in a message, each once, in order of appearance.
 * Phone rule: 7–15 digits once spaces, dashes, dots and parentheses are removed; dates, numbers
 * after '#', numbers glued to words and anything inside a URL or an email address are skipped.
 */
export function extractContactMentions(text: string): ContactMentions {
  const withoutUrls = text.replace(URL_PATTERN, ' ');
  const emails = new Set<string>();
  for (const [email] of withoutUrls.matchAll(EMAIL_PATTERN)) {
    const address = email.replace(/\.+$/u, '');
    if (TOP_LEVEL_DOMAIN.test(address) && !address.startsWith('.')) emails.add(address.toLowerCase());
  }
  const scannable = withoutUrls.replace(EMAIL_PATTERN, ' ');
  const phones = new Set<string>();
  for (const match of scannable.matchAll(PHONE_CANDIDATE)) {
    const written = match[0];
    const before = scannable.charAt(match.index - 1);
    const after = scannable.charAt(match.index + written.length);
    if (before !== '' && NOT_BEFORE_PHONE.test(before)) continue;
    if (after !== '' && NOT_AFTER_PHONE.test(after)) continue;
    if (looksLikeDate(written)) continue;
    const opened = [...written].filter((ch) => ch === '(').length;
    const closed = [...written].filter((ch) => ch === ')').length;
    if (opened !== closed) continue;
    const phone = phoneDigits(written);
    const count = phone.replace('+', '').length;
    if (count >= MIN_PHONE_DIGITS && count <= MAX_PHONE_DIGITS) phones.add(phone);
  }
  return { emails: [...emails], phones: [...phones] };
}

/**
 * The key an identity is stored and compared under, so the same person written two ways links:
 * X handles are case-insensitive, emails are compared lowercased, phones as '+' and digits.
 * Facebook ids are opaque page-scoped ids and chat visitor ids are ours: both kept as they are.
 */
export function normaliseHandle(kind: IdentityKind, value: string): string {
  switch (kind) {
    case 'x_handle':
      return value.trim().replace(/^@/u, '').toLowerCase();
    case 'email':
      return value.trim().toLowerCase();
    case 'phone': {
      const phone = phoneDigits(value);
      return phone.startsWith('+') ? phone : `+${phone}`;
    }
    case 'facebook_id':
    case 'chat_visitor':
      return value;
  }
}
