import pg from 'pg';
import { INT8_OID, parseInt8, type Db, type Queryable } from './db';

/** PostgreSQL through a connection pool, for more than one machine. */
export async function openPostgres(connectionString: string, poolSize = 20): Promise<Db> {
  const builtin = pg.types.getTypeParser.bind(pg.types) as (
    oid: number,
    format?: 'text' | 'binary',
  ) => (value: string) => unknown;
  const types = {
    getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
      oid === INT8_OID ? parseInt8 : builtin(oid, format)) as typeof pg.types.getTypeParser,
  };
  const pool = new pg.Pool({ connectionString, max: poolSize, types });
  // An idle connection dropped by the server (restart, failover, admin command) must not crash
  // the process: the pool replaces it on the next query.
  pool.on('error', (err) => console.warn(`[db] idle PostgreSQL connection lost: ${err.message}`));
  // Fail at start-up, with the reason, rather than on the first request.
  await pool.query('select 1');
  const wrap = (q: Pick<pg.Pool | pg.PoolClient, 'query'>): Queryable => ({
    query: async <T>(sql: string, params: readonly unknown[] = []) => {
      const result = await q.query(sql, params as unknown[]);
      return { rows: result.rows as T[], rowCount: result.rowCount ?? result.rows.length };
    },
  });
  return {
    kind: 'postgres',
    ...wrap(pool),
    transaction: async (fn) => {
      const client = await pool.connect();
      try {
        await client.query('begin');
        const result = await fn(wrap(client));
        await client.query('commit');
        return result;
      } catch (err) {
        await client.query('rollback').catch(() => {});
        throw err;
      } finally {
        client.release();
      }
    },
    exec: async (sql) => {
      await pool.query(sql);
    },
    close: () => pool.end(),
  };
}
