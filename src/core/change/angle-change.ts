import type { OpenCv } from '../cv.ts';
import { calibratedScore, noiseFloor } from './calibration.ts';
import type { NoiseModel } from './calibration.ts';
import { comparePair } from './compare-pair.ts';
import type { PairComparison } from './compare-pair.ts';
import { withoutFaces } from './face-mask.ts';
import type { FaceRegion } from '../faces/change-faces.ts';
import type { CellMap } from './grid.ts';
import type { ChangeRaster } from './raster.ts';
import type { Registration } from './registration.ts';

/**
 * What the change engine keeps of each photo: its change raster, its synthetic noise samples (ΔE*) and the faces
 * it leaves out.
 */
export interface ImageChange {
  readonly raster: ChangeRaster;
  /**
   * Faces found in the photo (`facesForChange`), left out of every comparison it is in, as the photo or as the
   * reference (`faceMask`); null or absent when none was found or none was looked for (the whole frame is compared).
   */
  readonly faces?: readonly FaceRegion[] | null;
  /**
   * The photo's synthetic noise samples (`syntheticNoiseSamples`), or null while not computed yet: they are needed
   * only once the photo is a reference, so a new session's photos may be scored first and get them afterwards
   * (`withNoiseSamples`; deterministic, so the scores are the same either way).
   */
  readonly noise_samples: readonly number[] | null;
}

/** An `ImageChange` whose noise samples are computed. */
export interface CalibratedChange extends ImageChange {
  readonly noise_samples: readonly number[];
}

/** An earlier session's photo of the angle, as a reference. */
export interface ReferencePhoto {
  readonly session_id: string;
  readonly change: CalibratedChange;
}

/** The change map as results carry it: `rows × cols` cells, row-major, uint8. */
export interface ChangeMap {
  readonly rows: number;
  readonly cols: number;
  /**
   * Calibrated cell score × 254, rounded (0 = none, 254 = the top of Strong Variation); 255 = not measured: outside
   * the overlap, or (most of it) in a face left out of either photo.
   */
  readonly cells: readonly number[];
}

/** The code of a cell that was not measured: outside the overlap of the photo and its reference, or in a face. */
export const CELL_OUTSIDE = 255;

/** How one photo was registered for an angle's result, with the hint a person sees when it failed. */
export interface AngleRegistration extends Registration {
  /** The reference session the photo was registered to (the most recent one that has the angle). */
  readonly reference_session_id: string;
  /** A plain-language retake hint when the photo could not be aligned; null otherwise. */
  readonly hint: string | null;
}

/** Where a noise floor came from (SPEC: `noise_floor`). */
export interface NoiseFloorInfo {
  /** Synthetic samples (augmented pairs of the reference photos). */
  readonly synthetic: number;
  /** Real samples (earlier sessions of this angle compared with their references). */
  readonly real: number;
  /** The floor: the person's 95th noise percentile for this angle, in raw-score units (ΔE*). */
  readonly delta_e: number;
}

/** One reference comparison of an angle's photo. */
export interface ReferenceComparison {
  readonly session_id: string;
  /** Largest cell's mean ΔE*; null when the photo could not be registered to this reference. */
  readonly raw_delta_e: number | null;
}

/** The registered local change of one angle (SPEC "Change engine"). */
export interface AngleLocalChange {
  /** Calibrated score in [0, 1]: the angle's `change_score`. */
  readonly score: number;
  /** The raw score that was calibrated, ΔE*. */
  readonly raw_delta_e: number;
  readonly change_map: ChangeMap;
  /** Share of the overlap's cells at or over the noise floor, [0, 1]. */
  readonly changed_area_fraction: number;
  readonly registration: AngleRegistration;
  readonly noise_floor: NoiseFloorInfo;
  readonly references: readonly ReferenceComparison[];
}

/** An angle whose photo aligned with none of its references: the caller falls back to the embedding score. */
export interface AngleRegistrationFailure {
  readonly registration: AngleRegistration;
  readonly references: readonly ReferenceComparison[];
}

/** What `angleLocalChange` compares. */
export interface AngleChangeInput {
  /** The photo scored; its own noise samples are not used. */
  readonly photo: ImageChange;
  /** Up to `RECENT_REFERENCES` most recent earlier sessions' photos of the angle, oldest first. */
  readonly recent: readonly ReferencePhoto[];
  /** The first session's photo when it is not among `recent` (slow drift shows against it); else null. */
  readonly first: ReferencePhoto | null;
  /** Real noise samples: the raw scores of this angle's earlier sessions against their own references, ΔE*. */
  readonly realSamples: readonly number[];
}

/** References compared per angle besides the first session (SPEC step 4: the median over the last three). */
export const RECENT_REFERENCES = 3;

const RETAKE_HINT =
  'Retake it from the same distance and direction as before, with the outline of the earlier photo lined up.';

/**
 * Measures an angle's local change against the person's own references (SPEC "Change engine" steps 1–4):
 * the photo is compared (`comparePair`, with the faces of both photos left out: the reference's in its own frame,
 * the photo's mapped onto it through the registration) with each recent reference and with the first session's (so a slow drift
 * weighs in too); the raw score is the median over the comparisons whose registration fits about as well as the
 * best one (`trustedComparisons`), and is
 * calibrated against the angle's personal noise floor (`noiseFloor`, from the references' synthetic samples and the
 * real earlier samples). The change map and the registration are those against the most recent reference that
 * aligned.
 * @returns the local change, or a failure when the photo aligned with no reference.
 * @throws RangeError when `recent` is empty.
 */
export function angleLocalChange(
  cv: OpenCv,
  input: AngleChangeInput,
): AngleLocalChange | AngleRegistrationFailure {
  if (input.recent.length === 0) throw new RangeError('angleLocalChange needs at least one reference');
  const photo = withoutFaces(input.photo);
  const compare = (ref: ReferencePhoto) => ({
    ref,
    result: comparePair(cv, withoutFaces(ref.change), photo),
  });
  const recent = input.recent.map(compare);
  const first = input.first ? compare(input.first) : null;
  const all = first ? [first, ...recent] : recent;
  const references = all.map(({ ref, result }) => ({ session_id: ref.session_id, raw_delta_e: result.raw }));
  const latest = [...recent].reverse().find((c) => c.result.raw !== null);
  if (latest === undefined) {
    const last = recent[recent.length - 1]!;
    return { registration: angleRegistration(last.ref, last.result), references };
  }
  const trusted = trustedComparisons(all.map((c) => c.result));
  const raw = median(all.flatMap((c) => (trusted.has(c.result) ? [c.result.raw as number] : [])));
  const { noise, synthetic } = angleNoise(input);
  const cells = latest.result.cells as CellMap;
  return {
    score: calibratedScore(raw, noise),
    raw_delta_e: raw,
    change_map: changeMapOf(cells, noise),
    changed_area_fraction: changedShare(cells, noise),
    registration: angleRegistration(latest.ref, latest.result),
    noise_floor: { synthetic, real: input.realSamples.length, delta_e: noise.p95 },
    references,
  };
}

/**
 * The personal noise model an angle's photo is calibrated with (SPEC "Change engine" step 4): `noiseFloor` of the
 * references' synthetic samples (the first session's, then the recent ones, in that order) and the real samples.
 * @returns the model, ΔE*, and how many synthetic samples it pooled.
 */
export function angleNoise(input: Omit<AngleChangeInput, 'photo'>): { noise: NoiseModel; synthetic: number } {
  const references = input.first ? [input.first, ...input.recent] : input.recent;
  const synthetic = references.flatMap((ref) => ref.change.noise_samples);
  return { noise: noiseFloor(synthetic, input.realSamples), synthetic: synthetic.length };
}

/** A photo as a change map takes it: its change raster and the faces it leaves out. */
export type MappedPhoto = Pick<ImageChange, 'raster' | 'faces'>;

/**
 * The change map of `photo` against `reference` (`comparePair` with the faces of both left out, on the
 * reference's frame), each cell calibrated with `noise`, exactly as `angleLocalChange` makes the map it keeps: with
 * the noise model that engine used and the reference it mapped against, the result equals its `change_map` cell
 * for cell.
 * @returns null when the photo could not be registered to the reference.
 */
export function calibratedChangeMap(
  cv: OpenCv,
  reference: MappedPhoto,
  photo: MappedPhoto,
  noise: NoiseModel,
): ChangeMap | null {
  const { cells } = comparePair(cv, withoutFaces(reference), withoutFaces(photo));
  return cells === null ? null : changeMapOf(cells, noise);
}

/**
 * How much worse, in ECC correlation, a registration may fit than the best one of the same photo and still be
 * trusted. A real change lowers the fit to every reference alike; a photo that lines up at 0.98 with one reference
 * and 0.92–0.95 with the others (a 10 % shift and a slight warp on the tuning photos) is misregistered against
 * those, and their ΔE* maps light up along every edge.
 */
const CORRELATION_SLACK = 0.015;

/** The comparisons to trust: registered, and (for ECC) within `CORRELATION_SLACK` of the best ECC fit. */
function trustedComparisons(results: readonly PairComparison[]): Set<PairComparison> {
  const registered = results.filter((r) => r.raw !== null);
  const best = Math.max(...registered.map((r) => r.registration.ecc_correlation ?? -Infinity));
  return new Set(
    registered.filter(
      (r) =>
        r.registration.ecc_correlation === null || r.registration.ecc_correlation >= best - CORRELATION_SLACK,
    ),
  );
}

function angleRegistration(ref: ReferencePhoto, result: PairComparison): AngleRegistration {
  const { method, ecc_correlation, inliers, overlap, failure } = result.registration;
  return {
    method,
    ecc_correlation,
    inliers,
    overlap,
    failure,
    reference_session_id: ref.session_id,
    hint:
      failure === null
        ? null
        : `This photo could not be lined up with the earlier one: ${failure}. ${RETAKE_HINT}`,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function changeMapOf(cells: CellMap, noise: NoiseModel): ChangeMap {
  return {
    rows: cells.rows,
    cols: cells.cols,
    cells: Array.from(cells.values, (v) =>
      Number.isNaN(v) ? CELL_OUTSIDE : Math.round(254 * calibratedScore(v, noise)),
    ),
  };
}

function changedShare(cells: CellMap, noise: NoiseModel): number {
  let valid = 0;
  let changed = 0;
  for (const v of cells.values) {
    if (Number.isNaN(v)) continue;
    valid++;
    if (v >= noise.p95) changed++;
  }
  return valid === 0 ? 0 : changed / valid;
}
