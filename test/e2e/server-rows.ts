import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { loadConfig } from '../../server/config.ts';
import { openDataStore } from '../../server/store.ts';
import { SERVER_TABLES } from '../support/server-tables.ts';

/** An image row as stored. */
export interface StoredImageRow {
  session_id: string;
  id: string;
  participant_id: string;
  angle: string;
  storage_path: string | null;
  sha256: string | null;
  content_type: string | null;
}

/** What the server holds: row counts per table, the image and consent rows, and the image files on disk. */
export interface ServerRows {
  counts: Record<(typeof SERVER_TABLES)[number], number>;
  images: StoredImageRow[];
  consents: { participant_id: string; consent_version: string; scopes: string[] }[];
  sessions: string[];
  /** Image files under `<dataDir>/images`, relative to it. */
  files: string[];
}

/**
 * Opens a stopped server's embedded store (PGlite is single-process, so the server must not run) and reads what
 * it holds.
 */
export async function readServerRows(dataDir: string): Promise<ServerRows> {
  const store = await openDataStore(loadConfig({ BCD_DATA_DIR: dataDir, LOG_LEVEL: 'silent' }));
  try {
    const db = store.database;
    const counts = {} as ServerRows['counts'];
    for (const table of SERVER_TABLES) {
      const [row] = await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table}`);
      counts[table] = row?.n ?? 0;
    }
    const images = await db.query<StoredImageRow>(
      'SELECT session_id, id, participant_id, angle, storage_path, sha256, content_type FROM images ORDER BY session_id, id',
    );
    const consents = await db.query<ServerRows['consents'][number]>(
      'SELECT participant_id, consent_version, scopes FROM consents',
    );
    const sessions = (await db.query<{ id: string }>('SELECT id FROM sessions ORDER BY id')).map((r) => r.id);
    const root = join(dataDir, 'images');
    const entries = await readdir(root, { recursive: true, withFileTypes: true }).catch(() => []);
    const files = entries.filter((e) => e.isFile()).map((e) => relative(root, join(e.parentPath, e.name)));
    return { counts, images, consents, sessions, files };
  } finally {
    await store.close();
  }
}
