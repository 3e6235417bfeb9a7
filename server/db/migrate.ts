import { createHash } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Database } from './database.ts';

/** The repository's `migrations/` folder. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('../../migrations/', import.meta.url));

/** Any fixed number shared by every runner: serialises migrations when several servers start at once. */
const MIGRATION_LOCK_KEY = 4_242_001;

export interface MigrationResult {
  /** Files applied by this run, in order. */
  readonly applied: readonly string[];
  /** Files found already recorded in `schema_migrations`. */
  readonly skipped: readonly string[];
}

/** A migration file changed after it was applied, or failed; names the file. */
export class MigrationError extends Error {
  override readonly name = 'MigrationError';
}

/**
 * Applies the `*.sql` files of `dir` in file-name order, each in its own transaction, and records each in
 * `schema_migrations` (file name, sha256, applied_at) so it runs once. The same files run on PGlite and
 * on Postgres.
 * @throws MigrationError when a recorded file's content changed since it was applied, or a file fails.
 */
export async function runMigrations(db: Database, dir: string = MIGRATIONS_DIR): Promise<MigrationResult> {
  await db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    filename text PRIMARY KEY,
    sha256 text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
  )`);
  const files = (await readdir(dir)).filter((name) => name.endsWith('.sql')).sort();
  const applied: string[] = [];
  const skipped: string[] = [];
  for (const file of files) {
    const sql = await readFile(path.join(dir, file), 'utf8');
    const sha256 = createHash('sha256').update(sql).digest('hex');
    const ran = await db
      .transaction(async (tx) => {
        await tx.query('SELECT pg_advisory_xact_lock($1)', [MIGRATION_LOCK_KEY]);
        const [recorded] = await tx.query<{ sha256: string }>(
          'SELECT sha256 FROM schema_migrations WHERE filename = $1',
          [file],
        );
        if (recorded) {
          if (recorded.sha256 !== sha256) {
            throw new MigrationError(`${file} changed after it was applied; add a new migration instead`);
          }
          return false;
        }
        await tx.exec(sql);
        await tx.query('INSERT INTO schema_migrations (filename, sha256) VALUES ($1, $2)', [file, sha256]);
        return true;
      })
      .catch((error: unknown) => {
        if (error instanceof MigrationError) throw error;
        throw new MigrationError(`${file} failed: ${(error as Error).message}`, { cause: error });
      });
    (ran ? applied : skipped).push(file);
  }
  return { applied, skipped };
}
