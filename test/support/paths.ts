import { fileURLToPath } from 'node:url';

/** The shared test data beside the repository. */
export const SHARED_DATA = fileURLToPath(new URL('../../../shared/data/', import.meta.url));
export const PHOTOS_DIR = `${SHARED_DATA}photos/`;
export const BAD_DIR = `${SHARED_DATA}bad/`;
/** Scratch space for tests (gitignored). */
export const TEST_OUT = fileURLToPath(new URL('../.out/', import.meta.url));
export const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
