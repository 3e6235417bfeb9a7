import path from 'node:path';
import type { ServerConfig } from './config.ts';
import type { Database } from './db/database.ts';
import { lockDataDir } from './db/lock.ts';
import { runMigrations } from './db/migrate.ts';
import { openPglite } from './db/pglite.ts';
import { openPostgres } from './db/postgres.ts';
import { allStoragePaths } from './repositories/images.ts';
import { ensurePrivateDir, fileImageStore, sweepImageFiles } from './storage/files.ts';
import type { ImageStore } from './storage/image-store.ts';
import { supabaseImageStore } from './storage/supabase.ts';

/** The rows and the image bytes, opened together: embedded (PGlite + files) or Supabase (Postgres + Storage). */
export interface DataStore {
  readonly mode: 'embedded' | 'supabase';
  readonly database: Database;
  readonly images: ImageStore;
  close(): Promise<void>;
}

/**
 * Opens the store the configuration names and brings its schema up to date (migrations).
 * Embedded: PGlite in `<dataDir>/db`, images in `<dataDir>/images`. PGlite is single-process, so the store
 * is locked (`<dataDir>/store.lock`): the server and `bcd export` cannot open it at the same time. The data
 * directory and its `db/` and `images/` folders are made owner-only (0700; image files are written 0600), and the
 * image folder is swept (`sweepImageFiles`: `*.partial` files and files no row refers to, left by a crash).
 * Supabase: node-postgres to `DATABASE_URL`, images in the configured bucket (created private if missing).
 * @throws StoreInUseError (embedded store held by a live process), MigrationError, or the driver's error.
 */
export async function openDataStore(config: ServerConfig): Promise<DataStore> {
  if (config.supabase) {
    const database = openPostgres(config.supabase.databaseUrl);
    try {
      await runMigrations(database);
      const images = supabaseImageStore(config.supabase);
      await images.ensureBucket();
      return { mode: 'supabase', database, images, close: () => database.close() };
    } catch (error) {
      await database.close();
      throw error;
    }
  }
  await ensurePrivateDir(config.dataDir);
  const unlock = await lockDataDir(config.dataDir);
  try {
    const dbDir = path.join(config.dataDir, 'db');
    await ensurePrivateDir(dbDir);
    const { database } = await openPglite(dbDir);
    const images = fileImageStore(path.join(config.dataDir, 'images'));
    try {
      await runMigrations(database);
      await images.check();
      await sweepImageFiles(images, await allStoragePaths(database));
    } catch (error) {
      await database.close();
      throw error;
    }
    const close = async () => {
      await database.close();
      await unlock();
    };
    return { mode: 'embedded', database, images, close };
  } catch (error) {
    await unlock();
    throw error;
  }
}
