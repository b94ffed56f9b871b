import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatListeningQuery,
  type ListeningQuery,
  matchesQuery,
  MAX_QUERY_DEPTH,
  MAX_QUERY_LENGTH,
  parseListeningQuery,
  type TermPattern,
  tokenize,
} from './listeningQuery';

function parsed(text: string): ListeningQuery {
  const result = parseListeningQuery(text);
  if (!result.ok) throw new Error(`expected "${text}" to parse: ${result.error}`);
  return result.query;
}

function rule(text: string): (post: string) => boolean {
  const query = parsed(text);
  return (post) => matchesQuery(query, post);
}

describe('tokenize', () => {
  it('lowercases words and keeps hashtags and handles whole', () => {
    expect(tokenize('@United lost my bag AGAIN!!! #UnitedAirlines')).toEqual([
      '@united',
      'lost',
      'my',
      'bag',
      'again',
      '#unitedairlines',
    ]);
  });

  it('drops links, so shortened URLs do not match words by accident', () => {
    expect(tokenize('look https://t.co/Ab3xY and www.united.com/bags now')).toEqual(['look', 'and', 'now']);
  });

  it('splits on apostrophes and hyphens, and treats #digits as a number rather than a hashtag', () => {
    expect(tokenize("United's check-in, don’t ask; order #48213")).toEqual([
      'united',
      's',
      'check',
      'in',
      'don',
      't',
      'ask',
      'order',
      '48213',
    ]);
  });

  it('does not read an email address or c# as a handle or hashtag', () => {
    expect(tokenize('mail dana@example.com about c#')).toEqual(['mail', 'dana', 'example', 'com', 'about', 'c']);
  });

  it('keeps emoji as tokens without skin tones or variation selectors', () => {
    expect(tokenize('love it❤️🔥 👍🏽 🇺🇸')).toEqual(['love', 'it', '❤', '🔥', '👍', '🇺🇸']);
  });

  it('handles unicode letters, fancy fonts and scripts written without spaces', () => {
    expect(tokenize('Straße Ünited café 𝐮𝐧𝐢𝐭𝐞𝐝 ｕｎｉｔｅｄ')).toEqual([
      'straße',
      'ünited',
      'café',
      'united',
      'united',
    ]);
    expect(tokenize('日本航空')).toEqual(['日', '本', '航', '空']);
    expect(tokenize('Привет, мир')).toEqual(['привет', 'мир']);
  });
});

describe('listening rules on realistic posts', () => {
  const baggage = rule('(guitar OR "baggage handlers") AND @united NOT #ad');

  it('matches a complaint to the brand about its baggage handlers', () => {
    expect(baggage('@United your baggage handlers threw my guitar. Unbelievable.')).toBe(true);
    expect(baggage('Baggage handlers at ORD, again. cc @united')).toBe(true);
  });

  it('ignores sponsored posts, other brands and posts that only mention guitars', () => {
    expect(baggage('Win a guitar with @united! #ad')).toBe(false);
    expect(baggage('@delta your baggage handlers threw my guitar')).toBe(false);
    expect(baggage('@united my guitars arrived fine')).toBe(false);
    expect(baggage('united baggage handlers broke my guitar')).toBe(false);
  });

  it('matches a phrase only as consecutive words, across punctuation and case', () => {
    const song = rule('"united breaks guitars"');
    expect(song('Remember "United Breaks Guitars"? Still true.')).toBe(true);
    expect(song('United, breaks... GUITARS!')).toBe(true);
    expect(song('united really breaks guitars')).toBe(false);
    expect(song('guitars breaks united')).toBe(false);
  });

  it('excludes job posts with a minus and a prefix wildcard', () => {
    const brand = rule('#UnitedAirlines -job*');
    expect(brand('Stuck at EWR for 4 hours #UnitedAirlines')).toBe(true);
    expect(brand('#UnitedAirlines is hiring! Jobs at the link')).toBe(false);
    expect(brand('Great job today crew #unitedairlines')).toBe(false);
    expect(brand('flying united today')).toBe(false);
  });

  it('matches whole words only unless the term ends in *', () => {
    expect(rule('guitar')('my guitars')).toBe(false);
    expect(rule('guitar')('Guitar!')).toBe(true);
    expect(rule('guitar*')('my guitars')).toBe(true);
    expect(rule('guitar*')('#GuitarLife')).toBe(true);
    expect(rule('refund')('refunded')).toBe(false);
  });

  it('lets a plain word match the same hashtag, but a hashtag or handle only itself', () => {
    expect(rule('guitar')('my #guitar is broken')).toBe(true);
    expect(rule('#guitar')('my guitar is broken')).toBe(false);
    expect(rule('united')('thanks @united')).toBe(false);
    expect(rule('@united')('flying united')).toBe(false);
    expect(rule('@united')('thanks @United!')).toBe(true);
  });

  it('binds NOT tighter than AND, and AND tighter than OR', () => {
    const query = rule('refund OR delayed flight NOT cancelled');
    expect(query('where is my refund')).toBe(true);
    expect(query('delayed flight again')).toBe(true);
    expect(query('delayed flight, then cancelled')).toBe(false);
    expect(query('refund for my cancelled flight')).toBe(true);
  });

  it('reads lowercase and/or/not as words, not operators', () => {
    expect(formatListeningQuery(parsed('rock and roll'))).toBe('rock AND and AND roll');
    expect(rule('rock and roll')('rock or roll')).toBe(false);
  });

  it('matches a term the tokenizer splits as a phrase, like the text', () => {
    expect(rule('check-in')('online check in is broken')).toBe(true);
    expect(rule("united's")("United's app")).toBe(true);
    expect(rule('航空')('日本航空の便が遅れています')).toBe(true);
  });

  it('accepts curly quotes pasted from documents and emoji terms', () => {
    expect(rule('“lost luggage”')('Lost luggage again')).toBe(true);
    expect(rule('🔥 AND delay*')('delays everywhere 🔥🔥')).toBe(true);
  });
});

describe('parse errors say what is wrong and where', () => {
  const cases: Array<[string, string, number]> = [
    ['', 'empty query', 0],
    ['   ', 'empty query', 0],
    ['(guitar OR bag AND @united', 'unbalanced parenthesis at 0', 0],
    ['guitar OR bag) AND @united', 'unbalanced parenthesis at 13', 13],
    ['@united AND (guitar OR bag', 'unbalanced parenthesis at 12', 12],
    ['@united AND ()', 'empty parentheses at 12', 12],
    ['@united NOT', 'NOT at 8 needs a term after it', 8],
    ['@united - job', '- at 8 needs a term right after it, without a space', 8],
    ['OR guitar', 'OR at 0 needs a term on both sides', 0],
    ['guitar AND', 'AND at 7 needs a term on both sides', 7],
    ['guitar AND OR bag', 'AND at 7 needs a term on both sides', 7],
    ['"united breaks', 'unclosed quote at 0', 0],
    ['guitar ""', 'the phrase at 7 has no words to match', 7],
    ['gui*ar', '* is only allowed at the end of a term, at 0', 0],
    ['united *', 'the wildcard at 7 needs letters before the *', 7],
    ['united !!!', '"!!!" at 7 has no letters or digits to match', 7],
  ];

  it.each(cases)('%j → %s', (text, error, position) => {
    expect(parseListeningQuery(text)).toEqual({ ok: false, error, position });
  });

  it(`refuses queries longer than ${MAX_QUERY_LENGTH} characters`, () => {
    expect(parseListeningQuery('a '.repeat(1001))).toEqual({
      ok: false,
      error: 'the query is longer than 2000 characters',
      position: 2000,
    });
    expect(parseListeningQuery('a '.repeat(1000)).ok).toBe(true);
  });

  it(`allows ${MAX_QUERY_DEPTH} levels of nesting and refuses more`, () => {
    const nested = (levels: number): string => '('.repeat(levels) + 'guitar' + ')'.repeat(levels);
    expect(parseListeningQuery(nested(MAX_QUERY_DEPTH)).ok).toBe(true);
    expect(parseListeningQuery(nested(MAX_QUERY_DEPTH + 1))).toMatchObject({
      ok: false,
      error: `the query nests more than ${MAX_QUERY_DEPTH} levels deep at ${MAX_QUERY_DEPTH + 1}`,
    });
    expect(parseListeningQuery('NOT '.repeat(MAX_QUERY_DEPTH + 1) + 'guitar').ok).toBe(false);
  });
});

describe('formatListeningQuery', () => {
  it('prints the canonical form with only the parentheses precedence needs', () => {
    expect(formatListeningQuery(parsed('(guitar OR "Baggage handlers") @United -#ad'))).toBe(
      '(guitar OR "baggage handlers") AND @united AND NOT #ad',
    );
    expect(formatListeningQuery(parsed('(a AND b) OR (c AND (d OR e)) NOT (f g)'))).toBe(
      'a AND b OR c AND (d OR e) AND NOT (f AND g)',
    );
    expect(formatListeningQuery(parsed('check-in*'))).toBe('"check in*"');
  });
});

describe('properties', () => {
  const vocabulary = ['guitar', 'guitars', 'united', 'bag', 'broke', 'job', 'jobs', '#ad', '#guitar', '@united', '🔥'];
  const pattern: fc.Arbitrary<TermPattern> = fc.record({ text: fc.constantFrom(...vocabulary), prefix: fc.boolean() });
  const { query } = fc.letrec<{ query: ListeningQuery }>((tie) => ({
    query: fc.oneof(
      { maxDepth: 4, depthIdentifier: 'query' },
      fc.record({ kind: fc.constant('term' as const), term: pattern }),
      fc.record({ kind: fc.constant('phrase' as const), words: fc.array(pattern, { minLength: 1, maxLength: 3 }) }),
      fc.record({ kind: fc.constant('not' as const), operand: tie('query') }),
      fc.record({
        kind: fc.constant('and' as const),
        operands: fc.array(tie('query'), { minLength: 2, maxLength: 3 }),
      }),
      fc.record({ kind: fc.constant('or' as const), operands: fc.array(tie('query'), { minLength: 2, maxLength: 3 }) }),
    ),
  }));
  const post = fc
    .array(fc.constantFrom(...vocabulary, 'Guitar,', 'GUITARIST', '#Ad', '@United!', 'the', 'my', 'jobless', '#jobs'), {
      maxLength: 8,
    })
    .map((words) => words.join(' '));
  const queryish = fc
    .array(fc.constantFrom('guitar', 'bag*', '#ad', '@u', ' ', ' AND ', ' OR ', 'NOT ', '-', '(', ')', '"', '*', '!'), {
      maxLength: 20,
    })
    .map((parts) => parts.join(''));

  it('parse never throws, whatever the input', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.string({ unit: 'grapheme', maxLength: 200 }), queryish), (text) => {
        const result = parseListeningQuery(text);
        expect(typeof result.ok).toBe('boolean');
        if (!result.ok) expect(result.position).toBeGreaterThanOrEqual(0);
      }),
    );
  });

  it('NOT q matches exactly the posts q does not', () => {
    fc.assert(
      fc.property(query, post, (q, text) => {
        expect(matchesQuery(parsed(`NOT (${formatListeningQuery(q)})`), text)).toBe(!matchesQuery(q, text));
        expect(matchesQuery({ kind: 'not', operand: q }, text)).toBe(!matchesQuery(q, text));
      }),
    );
  });

  it('a OR b matches exactly when a or b does', () => {
    fc.assert(
      fc.property(query, query, post, (a, b, text) => {
        const either = parsed(`(${formatListeningQuery(a)}) OR (${formatListeningQuery(b)})`);
        expect(matchesQuery(either, text)).toBe(matchesQuery(a, text) || matchesQuery(b, text));
      }),
    );
  });

  it('printing and re-parsing gives an equivalent query, and printing is stable', () => {
    fc.assert(
      fc.property(query, fc.array(post, { minLength: 1, maxLength: 5 }), (q, texts) => {
        const reparsed = parsed(formatListeningQuery(q));
        for (const text of texts) expect(matchesQuery(reparsed, text)).toBe(matchesQuery(q, text));
        const printed = formatListeningQuery(reparsed);
        expect(parsed(printed)).toEqual(reparsed);
        expect(formatListeningQuery(parsed(printed))).toBe(printed);
      }),
    );
  });

  it('re-parsing a printed query from text gives the same query', () => {
    fc.assert(
      fc.property(queryish, (text) => {
        const result = parseListeningQuery(text);
        if (result.ok) expect(parsed(formatListeningQuery(result.query))).toEqual(result.query);
      }),
    );
  });
});
