/**
 * The change engine's per-angle fields in the sync contract (SPEC "Change engine", analysis version `bcd-2.0.0`
 * on): the change map, the registration to the reference, the noise floor and the reference comparisons. Every
 * size, string and number is bounded, so a malformed upload is a 400 naming the field, never a database error.
 * Platform-free, like `contract.ts`, which adds these fields to its angle analysis.
 */
import { z } from 'zod';
import type { RegistrationMethod } from '../core/change/registration.ts';
import type { ChangeMethod } from '../core/scoring/types.ts';
import { ClientIdSchema } from './ids.ts';
import { safeText } from './safe-values.ts';

/** Longest side of a change map; the core's grid is 14×14. */
export const MAX_CHANGE_MAP_SIDE = 64;

/** The cell code of a change map outside the overlap of photo and reference (`CELL_OUTSIDE` in the core). */
export const CHANGE_MAP_OUTSIDE = 255;

/** Longest plain-language text of a registration (its failure reason, its retake hint), in UTF-16 units. */
export const MAX_ANALYSIS_TEXT = 2000;

/**
 * Most reference comparisons per angle: the core compares at most four (the three most recent sessions and the
 * first); the bound leaves room for a wider window without letting a body grow without limit.
 */
export const MAX_REFERENCES = 16;

/** Largest sample count (synthetic or real noise samples, RANSAC inliers) the contract takes. */
const MAX_COUNT = 1_000_000;

const unit = z.number().min(0).max(1);
const count = z.number().int().min(0).max(MAX_COUNT);
/**
 * A raw local-change score or noise floor, ΔE* units: a cell's mean ΔE* minus 3 × its map's median
 * (`src/core/change/grid.ts` `localContrast`), so it may be negative on a flat map; finite, and within ±1000 (CIELAB
 * distances stay under ≈ 400).
 */
const deltaE = z.number().min(-1000).max(1000);
const text = safeText(MAX_ANALYSIS_TEXT);

export const CHANGE_METHODS = [
  'registered_local_change',
  'angle_embedding',
] as const satisfies readonly ChangeMethod[];

export const REGISTRATION_METHODS = [
  'ecc_homography',
  'ecc_affine',
  'features_homography',
  'failed',
] as const satisfies readonly RegistrationMethod[];

/**
 * The per-cell change against the latest reference: `rows × cols` cells, row-major, each a uint8 (calibrated cell
 * score × 254, rounded; 255 = outside the overlap).
 */
export const ChangeMapSchema = z
  .object({
    rows: z.number().int().min(1).max(MAX_CHANGE_MAP_SIDE),
    cols: z.number().int().min(1).max(MAX_CHANGE_MAP_SIDE),
    cells: z
      .array(z.number().int().min(0).max(CHANGE_MAP_OUTSIDE))
      .max(MAX_CHANGE_MAP_SIDE * MAX_CHANGE_MAP_SIDE),
  })
  .refine((map) => map.cells.length === map.rows * map.cols, {
    path: ['cells'],
    message: 'must hold exactly rows × cols cells',
  });
export type ChangeMapBody = z.infer<typeof ChangeMapSchema>;

/** How the photo was registered to its reference, with the retake hint a person saw when it failed. */
export const RegistrationSchema = z.object({
  method: z.enum(REGISTRATION_METHODS),
  /** ECC's correlation coefficient, [−1, 1]; null when ECC was not used. */
  ecc_correlation: z.number().min(-1).max(1).nullable(),
  /** RANSAC inliers of the feature fallback; null when it was not used. */
  inliers: count.nullable(),
  /** Share of the reference frame the registered photo covers, [0, 1]. */
  overlap: unit,
  failure: text.nullable(),
  reference_session_id: ClientIdSchema,
  hint: text.nullable(),
});
export type RegistrationBody = z.infer<typeof RegistrationSchema>;

/** The personal noise floor an angle's score was calibrated with, and how many samples of each kind made it. */
export const NoiseFloorSchema = z.object({
  synthetic: count,
  real: count,
  delta_e: deltaE,
});
export type NoiseFloorBody = z.infer<typeof NoiseFloorSchema>;

/** The raw local change against one reference session; null when the photo could not be registered to it. */
export const ReferenceComparisonSchema = z.object({
  session_id: ClientIdSchema,
  raw_delta_e: deltaE.nullable(),
});
export type ReferenceComparisonBody = z.infer<typeof ReferenceComparisonSchema>;

/**
 * The change engine's fields of an angle analysis. Each is optional: analyses made before `bcd-2.0.0`, still
 * uploaded by app versions that were offered an update and have not taken it, do not have them, and the server
 * stores them as not recorded (null). Where present they are fully checked; null keeps the core's meaning (no
 * baseline yet, no registered reference, no change raster).
 */
export const AngleChangeFieldsSchema = z.object({
  change_method: z.enum(CHANGE_METHODS).nullable().optional(),
  change_map: ChangeMapSchema.nullable().optional(),
  changed_area_fraction: unit.optional(),
  registration: RegistrationSchema.nullable().optional(),
  noise_floor: NoiseFloorSchema.nullable().optional(),
  references: z.array(ReferenceComparisonSchema).max(MAX_REFERENCES).optional(),
});
