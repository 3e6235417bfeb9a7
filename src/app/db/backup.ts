import { TABLE_NAMES, db, type TableName } from './schema.ts';

/** Queued uploads and per-session sync marks refer to the data being replaced, so they go with it. */
const UPLOAD_TABLES = ['outbox', 'session_sync'] as const;
import { decodeValue, encodeValue } from './serialize.ts';
import { StorageFullError, isQuotaError } from './storage.ts';
import { withChangeFields, withFaces, withNumericAngleAware, withTakenAt } from './upgrade-rows.ts';

/** Identifies BCD export files; `version` changes when their layout does. */
const FORMAT = 'bcd-local-data';
const FORMAT_VERSION = 1;

/** An export file that cannot be read back, with a message for the person. */
export class BackupFileError extends Error {
  override readonly name = 'BackupFileError';
}

/**
 * Every table of the local database as one JSON file (photos and vectors as base64). Rows are serialised one at
 * a time into Blob parts, so no single string holds the whole history.
 */
export async function exportAllData(): Promise<Blob> {
  const header = {
    format: FORMAT,
    version: FORMAT_VERSION,
    db_version: db.verno,
    exported_at: new Date().toISOString(),
  };
  const parts: string[] = [JSON.stringify(header).slice(0, -1), ',"tables":{'];
  for (const [t, name] of TABLE_NAMES.entries()) {
    parts.push(`${t > 0 ? ',' : ''}${JSON.stringify(name)}:[`);
    const rows = await db.table(name).toArray();
    for (const [i, row] of rows.entries())
      parts.push((i > 0 ? ',' : '') + JSON.stringify(await encodeValue(row)));
    parts.push(']');
  }
  parts.push('}}');
  return new Blob(parts, { type: 'application/json' });
}

function parseBackup(text: string): Record<TableName, unknown[]> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new BackupFileError('This file is not a BCD export: it could not be read as one.');
  }
  const file = parsed as { format?: unknown; version?: unknown; tables?: Record<string, unknown> };
  if (file.format !== FORMAT || typeof file.tables !== 'object' || file.tables === null) {
    throw new BackupFileError('This file is not a BCD export.');
  }
  if (file.version !== FORMAT_VERSION) {
    throw new BackupFileError('This export was made by a different version of BCD and cannot be read here.');
  }
  const tables = {} as Record<TableName, unknown[]>;
  for (const name of TABLE_NAMES) {
    const rows = file.tables[name] ?? [];
    if (!Array.isArray(rows)) throw new BackupFileError(`This export is damaged (${name} is not a list).`);
    tables[name] = rows.map(decodeValue);
  }
  // An export made before the change engine (database version 2) lacks its fields; they are added as on upgrade.
  tables.angle_analyses.forEach(withChangeFields);
  tables.analyses.forEach(withNumericAngleAware);
  // One made before sessions had their own date (database version 3 or earlier) lacks `taken_at`.
  tables.sessions.forEach(withTakenAt);
  // One made before faces were searched (database version 4 or earlier) lacks the photos' `faces`.
  tables.images.forEach(withFaces);
  return tables;
}

/**
 * Replaces all local data with an export file's, in one transaction: on any failure nothing changes. The outbox is
 * emptied too (the caller queues the imported sessions again when the person consented to sharing).
 * @returns how many sessions were imported.
 * @throws BackupFileError for a file that is not a readable BCD export; StorageFullError when out of space.
 */
export async function importAllData(file: Blob): Promise<number> {
  const tables = parseBackup(await file.text());
  try {
    await db.transaction('rw', [...TABLE_NAMES, ...UPLOAD_TABLES], async () => {
      for (const name of UPLOAD_TABLES) await db.table(name).clear();
      for (const name of TABLE_NAMES) {
        await db.table(name).clear();
        await db.table(name).bulkAdd(tables[name]);
      }
    });
  } catch (err) {
    if (isQuotaError(err)) {
      throw new StorageFullError(
        err,
        'This phone has no room left for the imported data. Nothing was changed.',
      );
    }
    throw err;
  }
  return tables.sessions.length;
}

/**
 * Deletes every local session, photo, vector, analysis, log and feedback, and the uploads still queued, in one
 * transaction. The sharing choice and the participant enrolment stay: what was already shared is withdrawn
 * separately.
 */
export async function deleteAllData(): Promise<void> {
  await db.transaction('rw', [...TABLE_NAMES, ...UPLOAD_TABLES], async () => {
    for (const name of [...TABLE_NAMES, ...UPLOAD_TABLES]) await db.table(name).clear();
  });
}
