import pg from 'pg';
import type { Db } from './db';
import { pgTypes as types, wrapPg as wrap } from './pgDriver';

/** PostgreSQL through a connection pool, for more than one machine. */
export async function openPostgres(connectionString: string, poolSize = 20): Promise<Db> {
  const pool = new pg.Pool({ connectionString, max: poolSize, types });
  // An idle connection dropped by the server (restart, failover, admin command) must not crash
  // the process: the pool replaces it on the next query.
  pool.on('error', (err) => console.warn(`[db] idle PostgreSQL connection lost: ${err.message}`));
  // Fail at start-up, with the reason, rather than on the first request.
  await pool.query('select 1');
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
