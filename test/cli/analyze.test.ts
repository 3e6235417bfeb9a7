import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALTERED_ANGLE, SAMPLE_PHOTOS, buildSampleHistory } from '../../scripts/sample-history/build.ts';
import type { AnalyzeReport, CompareReport, SessionReport } from '../../src/cli/report.ts';
import { ANALYSIS_VERSION } from '../../src/core/config.ts';
import { loadOpenCv } from '../../src/core/cv.ts';
import { nodeDecoder } from '../../src/core/image/decode.node.ts';
import { BAD_DECODED, BAD_REFUSED } from '../image/bad-expectations.ts';
import { BAD_DIR, PHOTOS_DIR, TEST_OUT } from '../support/paths.ts';
import { runCli } from '../support/run-cli.ts';

let root: string;
let history: string;
let sessionIds: string[];

/** Every file of ../shared/data/bad, with the error it must get (null: analysed, perhaps with flags). */
const BAD_FILES: Record<string, string | null> = {
  ...BAD_REFUSED,
  ...Object.fromEntries(Object.keys(BAD_DECODED).map((name) => [name, null])),
};

beforeAll(async () => {
  await mkdir(TEST_OUT, { recursive: true });
  root = await mkdtemp(join(TEST_OUT, 'cli-'));
  history = join(root, 'history');
  sessionIds = await buildSampleHistory(PHOTOS_DIR, history, {
    cv: await loadOpenCv(),
    decode: await nodeDecoder(),
  });
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function analyze(dir: string): AnalyzeReport {
  const r = runCli(['analyze', dir, '--json']);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout) as AnalyzeReport;
}

describe('bcd analyze on a history of real photos', () => {
  let report: AnalyzeReport;
  beforeAll(() => {
    report = analyze(history);
  });

  it('analyses every session and angle in order', () => {
    expect(report.model).toEqual({ id: 'mobilenet_v2-nsfwjs', dims: 1280 });
    expect(report.sessions.map((s) => s.session_id)).toEqual(sessionIds);
    for (const s of report.sessions) {
      expect(s.error).toBeNull();
      expect(s.angles.map((a) => a.angle).sort()).toEqual(SAMPLE_PHOTOS.map((p) => p.angle).sort());
    }
  });

  it('scores the first session 0 against an empty baseline', () => {
    const first = report.sessions[0] as SessionReport;
    expect(first.overall_score).toBe(0);
    // bcd-2.0.0: 0.0, not null (seed phase 3)
    expect(first.angle_aware_score).toBe(0);
    expect(first.baseline_used?.sessions).toBe(0);
    expect(first.comparison_layers_used).toEqual([]);
    expect(first.angles.every((a) => a.change_score === 0)).toBe(true);
    for (const a of first.angles) {
      expect(a).toMatchObject({ change_method: null, change_map: null, registration: null });
      // the angle's noise floor, from its own photo's augmented retakes
      expect(a.noise_floor).toMatchObject({ synthetic: 4, real: 0 });
    }
  });

  it('measures later sessions by registered local change and reports how', () => {
    expect(report.analysis_version).toBe(ANALYSIS_VERSION);
    expect(ANALYSIS_VERSION).toBe('bcd-2.1.0');
    for (const s of report.sessions.slice(1)) {
      expect(s.comparison_layers_used).toEqual([
        'registered_local_change',
        'angle_embedding',
        'session_embedding',
      ]);
      for (const a of s.angles) {
        expect(a.change_method, `${s.session_id} ${a.angle}`).toBe('registered_local_change');
        expect(a.registration?.method).not.toBe('failed');
        expect(a.change_map?.cells).toHaveLength(14 * 14);
        expect(a.changed_area_fraction).toBeGreaterThanOrEqual(0);
        expect(a.changed_area_fraction).toBeLessThanOrEqual(1);
      }
    }
    const altered = report.sessions[2]?.angles.find((a) => a.angle === ALTERED_ANGLE);
    expect(altered?.changed_area_fraction).toBeGreaterThan(0);
  });

  it('keeps every score in range', () => {
    for (const s of report.sessions) {
      for (const x of [s.overall_score, s.analysis_confidence_score, s.session_quality_score]) {
        expect(x).toBeGreaterThanOrEqual(0);
        expect(x).toBeLessThanOrEqual(1);
      }
      for (const a of s.angles) {
        expect(a.change_score).toBeGreaterThanOrEqual(0);
        expect(a.change_score).toBeLessThanOrEqual(1);
        for (const img of a.images) expect(img.image_quality_score).toBeGreaterThan(0);
      }
    }
    expect(report.sessions[1]?.baseline_used?.sessions).toBe(1);
    expect(report.sessions[2]?.baseline_used?.sessions).toBe(2);
  });

  it('scores the altered session higher than the unaltered repeat', () => {
    const [, repeat, altered] = report.sessions as [SessionReport, SessionReport, SessionReport];
    const change = (s: SessionReport, angle: string) =>
      s.angles.find((a) => a.angle === angle)?.change_score ?? NaN;
    expect(change(altered, ALTERED_ANGLE)).toBeGreaterThan(2 * change(repeat, ALTERED_ANGLE));
    expect(altered.angle_aware_score).toBeGreaterThan(repeat.angle_aware_score as number);
    expect(altered.overall_score).toBeGreaterThan(repeat.overall_score as number);
    // the unaltered angles of the third session stay close to their baseline
    const others = altered.angles
      .filter((a) => a.angle !== ALTERED_ANGLE)
      .map((a) => a.change_score as number);
    expect(Math.max(...others)).toBeLessThan(change(altered, ALTERED_ANGLE));
  });

  it('prints a readable table without --json', () => {
    const r = runCli(['analyze', history]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('Structural change');
    for (const id of sessionIds) expect(r.stdout).toContain(id);
  });
});

describe('bcd analyze with bad files', () => {
  it('names each bad file and its reason and still analyses the rest', async () => {
    const dir = join(root, 'bad-history', 'session');
    await mkdir(dir, { recursive: true });
    const names = Object.keys(BAD_FILES).sort();
    expect(names).toEqual((await readdir(BAD_DIR)).filter((f) => f !== 'README.md').sort());
    await copyFile(join(history, sessionIds[0] as string, 'front.jpg'), join(dir, 'front.jpg'));
    for (const [i, name] of names.entries()) {
      const ext = name.endsWith('.png') ? 'png' : 'jpg';
      await copyFile(join(BAD_DIR, name), join(dir, `left_side__${i + 1}.${ext}`));
    }
    const report = analyze(join(root, 'bad-history'));
    const images = report.sessions[0]?.angles.flatMap((a) => a.images) ?? [];
    for (const [i, name] of names.entries()) {
      const img = images.find((x) => x.file.startsWith(`left_side__${i + 1}.`));
      const expected = BAD_FILES[name];
      expect(img?.error?.code ?? null, name).toBe(expected);
      if (expected) expect(img?.error?.message).toMatch(new RegExp(`^left_side__${i + 1}\\.\\w+: .{10,}`));
    }
    const flagsOf = (n: string) =>
      images.find((x) => x.file.startsWith(`left_side__${names.indexOf(n) + 1}.`))?.flags;
    expect(flagsOf('blurry.jpg')).toContain('blurry');
    expect(flagsOf('dark.jpg')).toContain('too_dark');
    expect(flagsOf('overexposed.jpg')).toContain('too_bright');
    expect(report.sessions[0]?.overall_score).toBe(0);
  });

  it('exits non-zero only when nothing could be analysed', async () => {
    const dir = join(root, 'all-bad', 's1');
    await mkdir(dir, { recursive: true });
    await copyFile(join(BAD_DIR, 'empty.jpg'), join(dir, 'front.jpg'));
    await copyFile(join(BAD_DIR, 'text-renamed.jpg'), join(dir, 'left_side.jpg'));
    const r = runCli(['analyze', join(root, 'all-bad'), '--json']);
    expect(r.status).toBe(1);
    const report = JSON.parse(r.stdout) as AnalyzeReport;
    expect(report.sessions[0]?.error).toMatch(/none of the 2 files/);
  });

  it('says clearly when the history folder does not exist', () => {
    const r = runCli(['analyze', join(root, 'missing')]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/History folder not found/);
  });
});

describe('bcd compare', () => {
  it('compares two session folders', () => {
    const [a, , c] = sessionIds as [string, string, string];
    const r = runCli(['compare', join(history, a), join(history, c), '--json']);
    expect(r.status, r.stderr).toBe(0);
    const cmp = JSON.parse(r.stdout) as CompareReport;
    expect(cmp.overall_delta).toBeGreaterThan(0);
    expect(cmp.stability_index).toBeCloseTo(1 - cmp.overall_delta, 9);
    const altered = cmp.angle_deltas.find((d) => d.angle === ALTERED_ANGLE);
    expect(Math.max(...cmp.angle_deltas.map((d) => d.delta))).toBe(altered?.delta);
  });
});
