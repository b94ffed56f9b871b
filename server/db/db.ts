/**
 * The one database interface the backend uses. Two adapters implement it with the same SQL:
 * PGlite on disk (the default, no server) and PostgreSQL (`DATABASE_URL`).
 */
export interface Queryable {
  query<T = Record<string, unknown>>(
    sql: string,
    params?: readonly unknown[],
  ): Promise<{ rows: T[]; rowCount: number }>;
}

export interface Db extends Queryable {
  readonly kind: 'pglite' | 'postgres';
  /** Runs `fn` in one transaction: committed if it resolves, rolled back if it throws. */
  transaction<T>(fn: (tx: Queryable) => Promise<T>): Promise<T>;
  /** Several statements in one string (migrations). */
  exec(sql: string): Promise<void>;
  close(): Promise<void>;
}

/** int8 (bigint) columns carry server seqs and cursors: JSON numbers on the wire (DESIGN.md). */
export const INT8_OID = 20;
export const parseInt8 = (value: string): number => Number(value);
