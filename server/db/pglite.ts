import { mkdir } from 'node:fs/promises';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { PGlite } from '@electric-sql/pglite';
import { vector } from '@electric-sql/pglite-pgvector';
import type { Database, Queryable } from './database.ts';

/**
 * PGlite runs in this thread and resolves its promises without returning to the event loop, so a queue of
 * queries from concurrent requests would starve socket I/O: finished responses would wait, unsent, until the
 * whole queue drained. Yielding once per statement lets replies go out as each request completes.
 */
function wrap(db: Pick<PGlite, 'query' | 'exec'>): Queryable {
  return {
    async query<Row>(sql: string, params: readonly unknown[] = []) {
      await yieldToEventLoop();
      const result = await db.query<Row>(sql, params as unknown[]);
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
  const base = wrap(pglite);
  const database: Database = {
    ...base,
    // PGlite serialises transactions behind one lock, so concurrent requests queue instead of interleaving.
    transaction: (work) => pglite.transaction((tx) => work(wrap(tx))),
    close: () => pglite.close(),
  };
  return { database, pglite };
}
