import { mkdir } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PGlite, type QueryOptions } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Database, Queryable } from './database.ts';

/**
 * PGlite turns every parameter without a serializer for its type into text (`toString()`), and pgvector's type
 * is an extension's, so it has none: a Buffer meant as pgvector's binary form (`toVectorBinary`) would arrive as
 * garbage. Passing it through unchanged makes PGlite's wire encoder send it in binary format, as node-postgres
 * does on its own. The type's oid exists only once migration 0004 created the extension, so it is looked up at
 * the first such parameter and kept.
 */
function binaryVectorParams(): VectorOptions {
  let options: Promise<QueryOptions> | undefined;
  return (db) => {
    // Asked on the caller's own connection: inside a transaction, PGlite's top-level query would wait for it.
    options ??= db
      .query<{ oid: number }>(`SELECT 'vector'::regtype::oid::int AS oid`)
      .then(({ rows }) => ({ serializers: { [rows[0]!.oid]: (value: unknown) => value as string } }));
    options.catch(() => (options = undefined));
    return options;
  };
}

type VectorOptions = (db: Pick<PGlite, 'query'>) => Promise<QueryOptions>;

/**
 * PGlite runs in this thread and resolves its promises without returning to the event loop, so a queue of
 * queries from concurrent requests would starve socket I/O: finished responses would wait, unsent, until the
 * whole queue drained. Yielding once per statement lets replies go out as each request completes.
 */
function wrap(db: Pick<PGlite, 'query' | 'exec'>, vectorOptions: VectorOptions): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      await yieldToEventLoop();
      const options = params.some((param) => param instanceof Uint8Array)
        ? await vectorOptions(db)
        : undefined;
      const result = await db.query<Row>(sql, params as unknown[], options);
      return result.rows;
    },
    async exec(sql: string) {
      await yieldToEventLoop();
      await db.exec(sql);
    },
  };
}

/**
 * Opens (creating if needed) the embedded PGlite database with pgvector loaded.
 * @param dataDir directory of the database files; `null` keeps it in memory (tests of the wire path).
 */
export async function openPglite(dataDir: string | null): Promise<{ database: Database; pglite: PGlite }> {
  if (dataDir !== null) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create({ ...(dataDir === null ? {} : { dataDir }), extensions: { vector } });
  const vectorOptions = binaryVectorParams();
  const base = wrap(pglite, vectorOptions);
  const database: Database = {
    ...base,
    // PGlite serialises transactions behind one lock, so concurrent requests queue instead of interleaving.
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx, vectorOptions))),
    close: () => pglite.close(),
  };
  return { database, pglite };
}
