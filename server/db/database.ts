/**
 * The one database interface the repositories use, implemented by PGlite (embedded) and node-postgres
 * (Supabase). Both speak the same SQL; parameters are `$1…`, values plain JS (strings for timestamps,
 * vectors as pgvector's binary form in a Buffer, `toVectorBinary`, read back as text `[1,2,3]`; jsonb as JSON
 * text). Counts are cast to `int` in SQL, since the two drivers return `bigint` differently; timestamps come back
 * as `Date` from both.
 */
export interface Queryable {
  /** Runs one parameterised statement and returns its rows. */
  query<Row = Record<string, unknown>>(sql: string, params?: readonly unknown[]): Promise<Row[]>;
  /** Runs a script of several statements without parameters (migrations). */
  exec(sql: string): Promise<void>;
}

export interface Database extends Queryable {
  /** Runs `work` in one transaction: committed when it resolves, rolled back when it throws. */
  transaction<T>(work: (tx: Queryable) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
