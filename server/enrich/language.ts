import { francAll } from 'franc-min';

/** The languages routing has skills for: franc's ISO 639-3 code → the ISO 639-1 code we store. */
const SUPPORTED: Readonly<Record<string, string>> = {
  eng: 'en',
  spa: 'es',
  fra: 'fr',
  deu: 'de',
  por: 'pt',
  ita: 'it',
  nld: 'nl',
};

export const UNDETERMINED = 'und';
export const MIN_DETECTABLE_LENGTH = 20;

/**
 * Trigram models confuse close languages on short posts (Spanish or Italian read as Portuguese,
 * English as Dutch). Candidates franc scores within this share of its best are close calls, which
 * we settle by counting common function words.
 */
const CLOSE_CALL = 0.8;
const FUNCTION_WORDS: Readonly<Record<string, ReadonlySet<string>>> = {
  en: new Set(
    'the a an and is are was my me i we you your to of for on in at from with about what where when how why can could would will have has been not please thanks it this that before after'.split(
      ' ',
    ),
  ),
  es: new Set(
    'el la los las mi mis que y no es está por para con pero qué dónde todavía gracias hola ya muy'.split(' '),
  ),
  pt: new Set(
    'o os as meu minha que e não é está estou para com mas onde ainda obrigado obrigada olá há já'.split(' '),
  ),
  it: new Set('il lo gli la mio mia che e non è sono per con ma dove ancora grazie ciao da del già'.split(' ')),
  fr: new Set(
    'le la les mon ma mes que et ne pas est je pour avec mais où toujours merci bonjour déjà très'.split(' '),
  ),
  de: new Set('der die das mein meine ist und nicht ich wo mit für aber noch seit danke hallo schon sehr'.split(' ')),
  nl: new Set('de het een mijn is en niet ik waar met voor maar nog al bedankt hallo wacht zeer'.split(' ')),
};

// Handles, tags, links, addresses and numbers are not language and would skew trigrams. Email
// addresses are matched from the start of a word only, so a long run without spaces is scanned once.
const NOISE = /(?:https?:\/\/|www\.)\S+|(?<!\S)[^\s@]+@\S+|[#@][\p{L}\p{N}_]+|\p{N}+/giu;
// franc reads only the first 2,048 characters; a long email body needs no more than this.
const SAMPLE_LENGTH = 4096;

/** ISO 639-1 code of the text's language when it is one we route on, else 'und'. */
export function detectLanguage(text: string): string {
  const cleaned = text.slice(0, SAMPLE_LENGTH).replace(NOISE, ' ').replace(/\s+/gu, ' ').trim();
  if (cleaned.length < MIN_DETECTABLE_LENGTH) return UNDETERMINED;
  const ranked = francAll(cleaned);
  const [best] = ranked;
  if (best === undefined) return UNDETERMINED;
  const words = cleaned.toLowerCase().split(/[^\p{L}]+/u);
  let chosen = SUPPORTED[best[0]];
  let chosenHits = 0;
  for (const [code, distance] of ranked) {
    if (distance < CLOSE_CALL * best[1]) break;
    const language = SUPPORTED[code];
    const vocabulary = language === undefined ? undefined : FUNCTION_WORDS[language];
    if (vocabulary === undefined) continue;
    const hits = words.filter((word) => vocabulary.has(word)).length;
    if (hits > chosenHits) {
      chosen = language;
      chosenHits = hits;
    }
  }
  // Short posts can push the right language out of franc's close calls altogether ("a quiet
  // question about seats: can I choose mine online?" ranks French first, English far behind):
  // a clear majority of one language's function words settles it.
  let lexical: string | undefined;
  let lexicalHits = 0;
  for (const [language, vocabulary] of Object.entries(FUNCTION_WORDS)) {
    const hits = words.filter((word) => vocabulary.has(word)).length;
    if (hits > lexicalHits) {
      lexical = language;
      lexicalHits = hits;
    }
  }
  const chosenVocabulary = chosen === undefined ? undefined : FUNCTION_WORDS[chosen];
  const chosenWordHits = chosenVocabulary ? words.filter((word) => chosenVocabulary.has(word)).length : 0;
  if (lexical !== undefined && lexicalHits >= 3 && lexicalHits >= 2 * Math.max(1, chosenWordHits)) return lexical;
  return chosen ?? UNDETERMINED;
}
