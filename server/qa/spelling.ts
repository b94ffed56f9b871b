import dictionary from 'dictionary-en';
import nspell from 'nspell';
import type { AutoResult, ConversationFacts } from '../../shared/qa/autoChecks';

/** Loaded once, on first use (the dictionary is half a megabyte of Hunspell data). */
let speller: ReturnType<typeof nspell> | undefined;
const spell = () => (speller ??= nspell({ aff: Buffer.from(dictionary.aff), dic: Buffer.from(dictionary.dic) }));

/**
 * What is not a word to check: links, @handles, #tags, emails, numbers, words with digits,
 * ALL-CAPS codes, ^initials, and anything with an inner capital (product names, camelCase).
 */
const SKIP = /^(?:https?:\/\/|www\.)|[@#^]|\d|^[A-Z]{2,}$|\p{Ll}\p{Lu}/u;

/**
 * Spelling of the agent's written replies with Hunspell's English dictionary (nspell and
 * dictionary-en). Names are not misspellings: `known` words (the brand, the customer's and the
 * agent's names) and capitalised words inside a sentence are accepted. Call transcripts are
 * speech, not writing, and are not checked.
 */
export function spellingChecked(facts: ConversationFacts, known: readonly string[] = []): AutoResult {
  const replies = facts.messages.filter((m) => m.direction === 'outbound');
  if (!replies.length) return { verdict: 'na', evidence: 'No written reply.', messageIds: [] };
  const allowed = new Set(known.flatMap((k) => k.toLowerCase().split(/\s+/u)));
  const misspelled: { word: string; suggestion: string | undefined; messageId: string }[] = [];
  for (const message of replies) {
    const tokens = message.body.split(/\s+/u).filter(Boolean);
    for (const [i, token] of tokens.entries()) {
      if (SKIP.test(token)) continue;
      const word = token.replace(/^[^\p{L}]+|[^\p{L}']+$/gu, '').replace(/'s$/u, '');
      if (word.length < 2 || allowed.has(word.toLowerCase())) continue;
      // A capitalised word after the first of its sentence is a name.
      const sentenceStart = i === 0 || /[.!?:]$/u.test(tokens[i - 1] ?? '');
      if (!sentenceStart && /^\p{Lu}/u.test(word)) continue;
      if (spell().correct(word)) continue;
      misspelled.push({ word, suggestion: spell().suggest(word)[0], messageId: message.id });
    }
  }
  if (!misspelled.length) return { verdict: 'yes', evidence: 'No spelling mistakes found.', messageIds: [] };
  return {
    verdict: 'no',
    evidence: `Spelling: ${misspelled.map((m) => (m.suggestion ? `“${m.word}” (${m.suggestion}?)` : `“${m.word}”`)).join(', ')}.`,
    messageIds: [...new Set(misspelled.map((m) => m.messageId))],
  };
}
