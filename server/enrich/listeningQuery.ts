/**
 * Boolean keyword queries for listening rules, in the syntax admins know from Brandwatch and Sprout:
 *
 *   (guitar OR "baggage handlers") AND @united NOT #ad
 *   #UnitedAirlines -job*
 *
 * - Terms, "quoted phrases", #hashtags, @handles and emoji. Matching is case-insensitive.
 * - Operators are UPPERCASE `AND`, `OR`, `NOT` (lowercase and/or/not are ordinary words, so
 *   "rock and roll" needs no quotes to mean the words). `-term` is `NOT term`. Adjacent terms are
 *   ANDed. Precedence: NOT > AND > OR; parentheses group.
 * - A plain term matches whole words only: `guitar` matches "guitar", "Guitar!" and "#guitar" but not
 *   "guitars". A trailing `*` matches by prefix: `guitar*` also matches "guitars" and "#guitarist".
 *   People hashtag ordinary words inline ("my #guitar is broken"), hence words match hashtags too.
 * - `#tag` and `@handle` match only that hashtag or handle, never the bare word.
 * - A phrase matches consecutive tokens; punctuation between them is ignored. A term that the
 *   tokenizer splits (`check-in`, `united's`) is matched as a phrase, the same way the text is split.
 */

/** One token to match: a word, `#tag`, `@handle` or emoji as produced by {@link tokenize}. */
export type TermPattern = { text: string; prefix: boolean };

export type ListeningQuery =
  | { kind: 'term'; term: TermPattern }
  | { kind: 'phrase'; words: TermPattern[] }
  | { kind: 'not'; operand: ListeningQuery }
  | { kind: 'and'; operands: ListeningQuery[] }
  | { kind: 'or'; operands: ListeningQuery[] };

export type ListeningQueryParse = { ok: true; query: ListeningQuery } | { ok: false; error: string; position: number };

export const MAX_QUERY_LENGTH = 2000;
export const MAX_QUERY_DEPTH = 32;

const NO_SPACE_SCRIPTS = '\\p{scx=Han}\\p{scx=Hiragana}\\p{scx=Katakana}';
// Hashtags and handles must start a token, so "c#" and "dana@example.com" are not tags or handles.
// Han and kana are written without spaces: each character is a token, so a term in those scripts
// matches as a phrase of characters, i.e. as a substring.
const TOKEN_PATTERN = new RegExp(
  [
    '(?<![\\p{L}\\p{N}\\p{M}_])[#@][\\p{L}\\p{N}\\p{M}_]+',
    `[${NO_SPACE_SCRIPTS}]`,
    `(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{N}])(?:(?![${NO_SPACE_SCRIPTS}])[\\p{L}\\p{N}\\p{M}])*`,
    '\\p{Regional_Indicator}{2}',
    '\\p{Extended_Pictographic}',
  ].join('|'),
  'gu',
);
// Shortened links (t.co/Ab3xY) are random letters that would match words by accident.
const URL_PATTERN = /(?<![\p{L}\p{N}])(?:https?:\/\/|www\.)\S+/giu;
// Joiners, variation selectors, skin tones and tag characters change how text looks, not what it says.
const INVISIBLE = /\u00AD|\u200C|\u200D|\uFE0E|\uFE0F|\u20E3|\p{Emoji_Modifier}|[\u{E0020}-\u{E007F}]/gu;
const HAS_LETTER = /\p{L}/u;

/**
 * Splits text into lowercase tokens: words, `#hashtags`, `@handles` and emoji. NFKC folds the
 * fullwidth and "𝐛𝐨𝐥𝐝" letters people use on social media into plain ones; URLs are dropped;
 * apostrophes, hyphens and other punctuation separate words. Accents are kept ("café" ≠ "cafe").
 */
export function tokenize(text: string): string[] {
  const normalised = text.normalize('NFKC').toLowerCase().replace(INVISIBLE, '').replace(URL_PATTERN, ' ');
  const tokens: string[] = [];
  for (const [token] of normalised.matchAll(TOKEN_PATTERN)) {
    // "#1" or "#48213" is a number, not a hashtag (X requires a letter too).
    if (token.startsWith('#') && !HAS_LETTER.test(token)) tokens.push(...tokenize(token.slice(1)));
    else tokens.push(token);
  }
  return tokens;
}

class QueryError extends Error {
  constructor(
    message: string,
    readonly position: number,
  ) {
    super(message);
  }
}

type Lexeme =
  | { type: 'and' | 'or' | 'lparen' | 'rparen'; position: number }
  | { type: 'not'; position: number; spelling: 'NOT' | '-' }
  | { type: 'atom'; position: number; node: ListeningQuery };

// Curly quotes arrive when rules are pasted from documents; they mean the same as straight ones.
const QUOTES = '"\u201C\u201D\u201E';
const isSpace = (ch: string): boolean => /\s/u.test(ch);
const endsTerm = (ch: string): boolean => isSpace(ch) || ch === '(' || ch === ')' || QUOTES.includes(ch);

/** Turns whitespace-separated chunks (with an optional trailing `*`) into token patterns. */
function chunkPatterns(chunk: string, position: number): TermPattern[] {
  const stars = /\*+$/u.exec(chunk);
  const body = stars ? chunk.slice(0, stars.index) : chunk;
  if (body.includes('*')) throw new QueryError(`* is only allowed at the end of a term, at ${position}`, position);
  const texts = tokenize(body);
  if (stars && texts.length === 0) {
    throw new QueryError(`the wildcard at ${position} needs letters before the *`, position);
  }
  return texts.map((text, i) => ({ text, prefix: stars !== null && i === texts.length - 1 }));
}

function lex(source: string): Lexeme[] {
  const lexemes: Lexeme[] = [];
  let i = 0;
  while (i < source.length) {
    const ch = source.charAt(i);
    if (isSpace(ch)) {
      i++;
    } else if (ch === '(' || ch === ')') {
      lexemes.push({ type: ch === '(' ? 'lparen' : 'rparen', position: i });
      i++;
    } else if (ch === '-') {
      const next = source.charAt(i + 1);
      if (next === '' || isSpace(next) || next === ')') {
        throw new QueryError(`- at ${i} needs a term right after it, without a space`, i);
      }
      lexemes.push({ type: 'not', position: i, spelling: '-' });
      i++;
    } else if (QUOTES.includes(ch)) {
      const start = i;
      let end = i + 1;
      while (end < source.length && !QUOTES.includes(source.charAt(end))) end++;
      if (end >= source.length) throw new QueryError(`unclosed quote at ${start}`, start);
      const words: TermPattern[] = [];
      const inner = source.slice(start + 1, end);
      for (const match of inner.matchAll(/\S+/gu)) {
        words.push(...chunkPatterns(match[0], start + 1 + match.index));
      }
      if (words.length === 0) throw new QueryError(`the phrase at ${start} has no words to match`, start);
      lexemes.push({ type: 'atom', position: start, node: { kind: 'phrase', words } });
      i = end + 1;
    } else {
      const start = i;
      while (i < source.length && !endsTerm(source.charAt(i))) i++;
      const chunk = source.slice(start, i);
      if (chunk === 'AND' || chunk === 'OR') {
        lexemes.push({ type: chunk === 'AND' ? 'and' : 'or', position: start });
      } else if (chunk === 'NOT') {
        lexemes.push({ type: 'not', position: start, spelling: 'NOT' });
      } else {
        const words = chunkPatterns(chunk, start);
        const [only] = words;
        if (only === undefined) {
          throw new QueryError(`"${chunk}" at ${start} has no letters or digits to match`, start);
        }
        const node: ListeningQuery = words.length === 1 ? { kind: 'term', term: only } : { kind: 'phrase', words };
        lexemes.push({ type: 'atom', position: start, node });
      }
    }
  }
  return lexemes;
}

/** Recursive descent over the lexemes; `depth` counts parentheses and NOTs to bound the recursion. */
class Parser {
  private index = 0;

  constructor(
    private readonly lexemes: Lexeme[],
    private readonly sourceLength: number,
  ) {}

  parseQuery(): ListeningQuery {
    const query = this.parseOr(0);
    const rest = this.peek();
    if (rest) {
      // parseOr stops only at the end or at a ')' it cannot pair.
      throw new QueryError(`unbalanced parenthesis at ${rest.position}`, rest.position);
    }
    return query;
  }

  private peek(): Lexeme | undefined {
    return this.lexemes[this.index];
  }

  private next(): Lexeme | undefined {
    return this.lexemes[this.index++];
  }

  private startsOperand(lexeme: Lexeme | undefined): boolean {
    return lexeme !== undefined && (lexeme.type === 'atom' || lexeme.type === 'lparen' || lexeme.type === 'not');
  }

  private expectOperandAfter(operator: Lexeme, name: string): void {
    if (!this.startsOperand(this.peek())) {
      throw new QueryError(`${name} at ${operator.position} needs a term on both sides`, operator.position);
    }
  }

  private parseOr(depth: number): ListeningQuery {
    const operands = [this.parseAnd(depth)];
    for (let lexeme = this.peek(); lexeme?.type === 'or'; lexeme = this.peek()) {
      this.next();
      this.expectOperandAfter(lexeme, 'OR');
      operands.push(this.parseAnd(depth));
    }
    return combine('or', operands);
  }

  private parseAnd(depth: number): ListeningQuery {
    const operands = [this.parseUnary(depth)];
    for (;;) {
      const lexeme = this.peek();
      if (lexeme?.type === 'and') {
        this.next();
        this.expectOperandAfter(lexeme, 'AND');
      } else if (!this.startsOperand(lexeme)) {
        break;
      }
      operands.push(this.parseUnary(depth));
    }
    return combine('and', operands);
  }

  private parseUnary(depth: number): ListeningQuery {
    const lexeme = this.next();
    if (lexeme === undefined) {
      // Callers check for an operand first, so only an empty query gets here.
      throw new QueryError('empty query', this.sourceLength);
    }
    if (depth > MAX_QUERY_DEPTH) {
      throw new QueryError(
        `the query nests more than ${MAX_QUERY_DEPTH} levels deep at ${lexeme.position}`,
        lexeme.position,
      );
    }
    switch (lexeme.type) {
      case 'atom':
        return lexeme.node;
      case 'not':
        if (!this.startsOperand(this.peek())) {
          throw new QueryError(`${lexeme.spelling} at ${lexeme.position} needs a term after it`, lexeme.position);
        }
        return { kind: 'not', operand: this.parseUnary(depth + 1) };
      case 'lparen': {
        const first = this.peek();
        if (first?.type === 'rparen') {
          throw new QueryError(`empty parentheses at ${lexeme.position}`, lexeme.position);
        }
        if (first === undefined) throw new QueryError(`unbalanced parenthesis at ${lexeme.position}`, lexeme.position);
        const inner = this.parseOr(depth + 1);
        if (this.next()?.type !== 'rparen') {
          throw new QueryError(`unbalanced parenthesis at ${lexeme.position}`, lexeme.position);
        }
        return inner;
      }
      case 'rparen':
        throw new QueryError(`unbalanced parenthesis at ${lexeme.position}`, lexeme.position);
      case 'and':
      case 'or':
        throw new QueryError(
          `${lexeme.type.toUpperCase()} at ${lexeme.position} needs a term on both sides`,
          lexeme.position,
        );
    }
  }
}

/** Flattens `a AND (b AND c)` so that equal queries have one shape, whatever parentheses were typed. */
function combine(kind: 'and' | 'or', operands: ListeningQuery[]): ListeningQuery {
  const flat = operands.flatMap((operand) => (operand.kind === kind ? operand.operands : [operand]));
  const [first] = flat;
  return flat.length === 1 && first ? first : { kind, operands: flat };
}

/** Parses a rule's query. Never throws: a bad query gets an error an admin can act on, and where. */
export function parseListeningQuery(text: string): ListeningQueryParse {
  if (typeof text !== 'string' || text.trim() === '') return { ok: false, error: 'empty query', position: 0 };
  if (text.length > MAX_QUERY_LENGTH) {
    return {
      ok: false,
      error: `the query is longer than ${MAX_QUERY_LENGTH} characters`,
      position: MAX_QUERY_LENGTH,
    };
  }
  try {
    const lexemes = lex(text);
    if (lexemes.length === 0) return { ok: false, error: 'empty query', position: 0 };
    return { ok: true, query: new Parser(lexemes, text.length).parseQuery() };
  } catch (error) {
    if (error instanceof QueryError) return { ok: false, error: error.message, position: error.position };
    throw error;
  }
}

const formatPattern = (pattern: TermPattern): string => pattern.text + (pattern.prefix ? '*' : '');

/** Prints a query in the syntax {@link parseListeningQuery} reads, with only the parentheses it needs. */
export function formatListeningQuery(query: ListeningQuery): string {
  const operand = (child: ListeningQuery, parent: 'not' | 'and' | 'or'): string => {
    const text = formatListeningQuery(child);
    const needsParens = (child.kind === 'and' || child.kind === 'or') && (parent !== 'or' || child.kind === 'or');
    return needsParens ? `(${text})` : text;
  };
  switch (query.kind) {
    case 'term':
      return formatPattern(query.term);
    case 'phrase':
      return `"${query.words.map(formatPattern).join(' ')}"`;
    case 'not':
      return `NOT ${operand(query.operand, 'not')}`;
    case 'and':
      return query.operands.map((child) => operand(child, 'and')).join(' AND ');
    case 'or':
      return query.operands.map((child) => operand(child, 'or')).join(' OR ');
  }
}

function sameText(pattern: TermPattern, candidate: string): boolean {
  return pattern.prefix ? candidate.startsWith(pattern.text) : candidate === pattern.text;
}

function tokenMatches(pattern: TermPattern, token: string): boolean {
  if (sameText(pattern, token)) return true;
  const plainWord = !pattern.text.startsWith('#') && !pattern.text.startsWith('@');
  return plainWord && token.startsWith('#') && sameText(pattern, token.slice(1));
}

function phraseAt(words: readonly TermPattern[], tokens: readonly string[], start: number): boolean {
  for (let offset = 0; offset < words.length; offset++) {
    const word = words[offset];
    const token = tokens[start + offset];
    if (word === undefined || token === undefined || !tokenMatches(word, token)) return false;
  }
  return true;
}

/** Matches pre-tokenized text, so a message is tokenized once for all of a tenant's rules. */
export function matchesTokens(query: ListeningQuery, tokens: readonly string[]): boolean {
  switch (query.kind) {
    case 'term':
      return tokens.some((token) => tokenMatches(query.term, token));
    case 'phrase':
      for (let start = 0; start + query.words.length <= tokens.length; start++) {
        if (phraseAt(query.words, tokens, start)) return true;
      }
      return false;
    case 'not':
      return !matchesTokens(query.operand, tokens);
    case 'and':
      return query.operands.every((operand) => matchesTokens(operand, tokens));
    case 'or':
      return query.operands.some((operand) => matchesTokens(operand, tokens));
  }
}

export function matchesQuery(query: ListeningQuery, text: string): boolean {
  return matchesTokens(query, tokenize(text));
}
