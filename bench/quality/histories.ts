import type { OpenCv } from '../../src/core/cv.ts';
import type { RgbaImage } from '../../src/core/image/raster.ts';
import { seededRandom, uniform } from '../../src/core/change/random.ts';
import { encodeJpeg } from '../../scripts/sample-history/jpeg-encoder.node.ts';
import { capture, drawCaptureNoise, plantChange } from './synth.ts';
import type { ChangeKind, NoiseKind } from './synth.ts';

/** How the last session of a synthetic history differs from the earlier ones. */
export type LastSession =
  | { readonly kind: 'stable' }
  | { readonly kind: 'hard' }
  | { readonly kind: 'change'; readonly change: ChangeKind; readonly area: number };

/** One photo of a synthetic session, encoded as a camera would (JPEG, quality 75–95). */
export interface SyntheticPhoto {
  readonly angle: string;
  readonly bytes: Uint8Array;
}

/** The last session of a history, and which of its angles carry the planted change. */
export interface SyntheticLast {
  readonly spec: LastSession;
  readonly photos: readonly SyntheticPhoto[];
  readonly changedAngles: readonly string[];
}

/** A person: one scene per angle, photographed in `EARLIER_SESSIONS` sessions before the last. */
export interface SyntheticPerson {
  readonly scenes: ReadonlyMap<string, RgbaImage>;
  readonly earlier: readonly (readonly SyntheticPhoto[])[];
}

/** Sessions before the last one (issue 7's held-out histories have five sessions in all). */
export const EARLIER_SESSIONS = 4;

async function shoot(
  cv: OpenCv,
  scene: RgbaImage,
  noise: NoiseKind,
  random: () => number,
): Promise<Uint8Array> {
  const img = capture(cv, scene, drawCaptureNoise(noise, random), random);
  return encodeJpeg(img, Math.round(uniform(random, 75, 95)));
}

/** The earlier sessions of a person: ordinary capture noise on every photo, drawn from `seed`. */
export async function earlierSessions(
  cv: OpenCv,
  scenes: ReadonlyMap<string, RgbaImage>,
  seed: number,
): Promise<SyntheticPerson> {
  const random = seededRandom(seed);
  const earlier: SyntheticPhoto[][] = [];
  for (let s = 0; s < EARLIER_SESSIONS; s++) {
    const photos: SyntheticPhoto[] = [];
    for (const [angle, scene] of scenes)
      photos.push({ angle, bytes: await shoot(cv, scene, 'ordinary', random) });
    earlier.push(photos);
  }
  return { scenes, earlier };
}

/**
 * The last session of a history: ordinary noise (`stable`), hard noise on every photo (`hard`), or ordinary noise
 * with a change planted in the scene of one or two angles (`change`), drawn from `seed`.
 */
export async function lastSession(
  cv: OpenCv,
  person: SyntheticPerson,
  spec: LastSession,
  seed: number,
): Promise<SyntheticLast> {
  const random = seededRandom(seed);
  const angles = [...person.scenes.keys()];
  const changedAngles: string[] = [];
  if (spec.kind === 'change') {
    const count = random() < 0.5 ? 1 : 2;
    const pool = [...angles];
    for (let i = 0; i < count; i++)
      changedAngles.push(pool.splice(Math.floor(random() * pool.length), 1)[0]!);
  }
  const photos: SyntheticPhoto[] = [];
  for (const [angle, scene] of person.scenes) {
    const seen =
      spec.kind === 'change' && changedAngles.includes(angle)
        ? plantChange(cv, scene, { kind: spec.change, area: spec.area }, random)
        : scene;
    photos.push({ angle, bytes: await shoot(cv, seen, spec.kind === 'hard' ? 'hard' : 'ordinary', random) });
  }
  return { spec, photos, changedAngles };
}

/** A slow drift: a change that grows by the same step every session, from none in the first to full in the last. */
export interface DriftSpec {
  readonly change: ChangeKind;
  readonly area: number;
}

/**
 * A whole history with a slow drift on one angle (SPEC step 4: "and also the first one, so slow drift is seen"):
 * session k of the `EARLIER_SESSIONS + 1` shows the change grown to k / EARLIER_SESSIONS, at the same place; every
 * photo has ordinary capture noise. Each step is a quarter of the change, which the recent references hardly
 * show, while the first session shows all of it.
 * @returns the sessions, oldest first, and the drifting angle.
 */
export async function driftHistory(
  cv: OpenCv,
  scenes: ReadonlyMap<string, RgbaImage>,
  spec: DriftSpec,
  seed: number,
): Promise<{ sessions: SyntheticPhoto[][]; changedAngle: string }> {
  const random = seededRandom(seed);
  const angles = [...scenes.keys()];
  const changedAngle = angles[Math.floor(random() * angles.length)]!;
  const placeSeed = Math.floor(random() * 2 ** 31);
  const sessions: SyntheticPhoto[][] = [];
  for (let k = 0; k <= EARLIER_SESSIONS; k++) {
    const photos: SyntheticPhoto[] = [];
    for (const [angle, scene] of scenes) {
      const growth = k / EARLIER_SESSIONS;
      const seen =
        angle === changedAngle && growth > 0
          ? plantChange(cv, scene, { kind: spec.change, area: spec.area, growth }, seededRandom(placeSeed))
          : scene;
      photos.push({ angle, bytes: await shoot(cv, seen, 'ordinary', random) });
    }
    sessions.push(photos);
  }
  return { sessions, changedAngle };
}
