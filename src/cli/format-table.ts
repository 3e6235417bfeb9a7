import { VARIATION_LEVEL_LABELS } from '../core/scoring/index.ts';
import type { VariationLevel } from '../core/scoring/index.ts';
import type { AnalyzeReport, CompareReport, ImageReport } from './report.ts';

const fixed = (x: number | null, digits = 2): string => (x === null ? '–' : x.toFixed(digits));
const level = (l: VariationLevel | null): string => (l === null ? '–' : VARIATION_LEVEL_LABELS[l]);

/** Left-aligned columns separated by two spaces. */
function columns(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  return rows
    .map((r) =>
      r
        .map((cell, i) => cell.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

function imageNotes(images: readonly ImageReport[]): string[] {
  return images.flatMap((img) => [
    ...(img.error ? [`  ✗ ${img.error.message}`] : []),
    ...img.hints.map((hint, i) => `  ! ${img.file}: ${img.flags[i] ?? ''} — ${hint}`),
  ]);
}

/** The human-readable form of `bcd analyze`: one table of sessions, then per-angle detail and notes. */
export function formatAnalyzeReport(report: AnalyzeReport): string {
  const out: string[] = [
    `Model ${report.model.id} (${report.model.dims}-d) · analysis ${report.analysis_version}`,
    '',
  ];
  out.push(
    columns([
      ['Session', 'Structural change', 'Angle change', 'Level', 'Confidence', 'Quality', 'Baseline'],
      ...report.sessions.map((s) => [
        s.session_id,
        fixed(s.overall_score, 3),
        fixed(s.angle_aware_score, 3),
        level(s.variation_level),
        fixed(s.analysis_confidence_score),
        fixed(s.session_quality_score),
        s.baseline_used ? `${s.baseline_used.sessions} sessions` : '–',
      ]),
    ]),
  );
  for (const s of report.sessions) {
    out.push('', `${s.session_id}${s.error ? ` — ${s.error}` : ''}`);
    out.push(
      columns([
        ['  Angle', 'Change', 'Level', 'Quality', 'Images'],
        ...s.angles.map((a) => [
          `  ${a.angle}`,
          fixed(a.change_score, 3),
          level(a.variation_level),
          fixed(a.angle_quality_score),
          String(a.images.length),
        ]),
      ]),
    );
    out.push(...imageNotes(s.angles.flatMap((a) => a.images)));
  }
  return out.join('\n');
}

/** The human-readable form of `bcd compare`. */
export function formatCompareReport(report: CompareReport): string {
  return [
    `${report.session_a} → ${report.session_b} · ${report.comparison_method}`,
    `Overall delta ${fixed(report.overall_delta, 3)} · stability index ${fixed(report.stability_index, 3)} · trend ${report.overall_trend}`,
    '',
    columns([
      ['  Angle', 'Delta', 'Level'],
      ...report.angle_deltas.map((d) => [`  ${d.angle}`, fixed(d.delta, 3), level(d.variation_level)]),
    ]),
    ...(report.angles_only_in_a.length
      ? [`  only in ${report.session_a}: ${report.angles_only_in_a.join(', ')}`]
      : []),
    ...(report.angles_only_in_b.length
      ? [`  only in ${report.session_b}: ${report.angles_only_in_b.join(', ')}`]
      : []),
    ...imageNotes(report.images),
  ].join('\n');
}
