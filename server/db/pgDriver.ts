import pg from 'pg';
import { INT8_OID, parseInt8, type Queryable } from './db';

/**
 * What both adapters share: `pg`'s wire protocol and type parsing (PGlite is driven through it
 * too), int8 as numbers, and named prepared statements. Naming a statement lets the database plan
 * it once per connection instead of on every call, and lets `pg` send parse, bind and execute in
 * one write: on PGlite that is most of a simple statement's cost.
 */
const builtin = pg.types.getTypeParser.bind(pg.types) as (
  oid: number,
  format?: 'text' | 'binary',
) => (value: string) => unknown;

export const pgTypes = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
    oid === INT8_OID ? parseInt8 : builtin(oid, format)) as typeof pg.types.getTypeParser,
};

/** Statement texts are fixed in the code; past this many, new texts run unnamed (never unbounded). */
const MAX_NAMED = 1000;
const names = new Map<string, string>();

function nameFor(sql: string): string | undefined {
  let name = names.get(sql);
  if (!name && names.size < MAX_NAMED) {
    name = `sb${names.size}`;
    names.set(sql, name);
  }
  return name;
}

export function wrapPg(q: Pick<pg.Pool | pg.PoolClient | pg.Client, 'query'>): Queryable {
  return {
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      // Only parameterised statements are named: a text without parameters may hold several
      // statements (migrations), which the extended protocol cannot prepare.
      const name = params.length ? nameFor(sql) : undefined;
      const result = await q.query({ text: sql, values: params as unknown[], ...(name ? { name } : {}) });
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
  };
}
