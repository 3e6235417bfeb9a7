import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { comparedPhoto, loadReportSources, type ReportSource } from '../db/report.ts';
import { listSessions, type SessionSummary } from '../db/sessions.ts';
import type { ReportAngle, ReportContents, ReportSession } from '../report/contents.ts';
import { reportChangeMap, reportPhoto } from '../report/images.ts';
import { buildReportPdf } from '../report/pdf.ts';
import { shareOrDownload, type Delivery } from '../share/deliver.ts';
import { angleName } from '../text/angles.ts';
import { CHANGE_METHOD_WORDS } from '../text/change.ts';
import { REPORT_TEXT } from '../text/report.ts';
import { registeredPairFor } from './results.ts';

/** Sessions a report can hold (analysed by the model in use), newest first, for the chooser (a live query). */
export async function reportChoices(): Promise<SessionSummary[]> {
  return (await listSessions(DEFAULT_MODEL_ID)).filter((s) => s.analysis !== undefined);
}

async function reportAngles(source: ReportSource): Promise<ReportAngle[]> {
  const { result, earlier } = source;
  const angles: ReportAngle[] = [];
  for (const angle of result.angles) {
    const image = await comparedPhoto(result.session.id, angle.angle);
    if (!image) continue;
    const reference = earlier.get(angle.angle);
    const local = angle.change_method === 'registered_local_change';
    const pair =
      angle.change_map && reference
        ? await registeredPairFor(result.session.id, angle.angle, reference.session.id).catch(() => undefined)
        : undefined;
    angles.push({
      name: angleName(angle.angle),
      photo: await reportPhoto(image.blob),
      earlier: reference
        ? { image: await reportPhoto(reference.image.blob), takenAt: reference.session.taken_at }
        : null,
      changeMap: angle.change_map ? await reportChangeMap(angle.change_map, pair) : null,
      changeScore: angle.change_score,
      level: angle.variation_level,
      changedArea: local ? angle.changed_area_fraction : null,
      method: angle.change_method ? CHANGE_METHOD_WORDS[angle.change_method] : null,
      quality: angle.angle_quality_score,
    });
  }
  return angles;
}

/**
 * Builds the report for a clinician on the phone: the chosen sessions, oldest first, each with its scores and,
 * per angle, the dated photo pair (the earlier photo it was compared with, and its own), the change map and the
 * neutral words of how it was measured; as a PDF (`report/pdf.ts`). Nothing is sent anywhere.
 * @param onProgress sessions done and their total.
 * @returns the PDF as a file named after the day it was made.
 * @throws Error when none of the chosen sessions is on the phone with an analysis; AnalysisError when a photo
 *   cannot be drawn.
 */
export async function makeReport(
  sessionIds: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<File> {
  const sources = await loadReportSources(sessionIds, DEFAULT_MODEL_ID);
  if (sources.length === 0) throw new Error('Choose at least one analysed session for the report.');
  const sessions: ReportSession[] = [];
  for (const source of sources) {
    const a = source.result.analysis;
    sessions.push({
      takenAt: source.result.session.taken_at,
      structural: a.overall_score,
      level: a.variation_level,
      angleChange: a.angle_aware_score,
      confidence: a.analysis_confidence_score,
      baselineSessions: a.baseline_used.sessions,
      analysisVersion: a.analysis_version,
      angles: await reportAngles(source),
    });
    onProgress?.(sessions.length, sources.length);
  }
  const madeAt = new Date();
  const contents: ReportContents = { madeAt: madeAt.toISOString(), sessions };
  const bytes = await buildReportPdf(contents);
  const day = madeAt.toISOString().slice(0, 10);
  return new File([bytes as Uint8Array<ArrayBuffer>], `bcd-report-${day}.pdf`, { type: 'application/pdf' });
}

/**
 * Makes the report and hands it to the phone's share sheet (the person chooses whom to send it to), or saves it to
 * the downloads where the browser cannot share files.
 * @returns how it was handed over.
 * @throws as `makeReport`.
 */
export async function shareReport(
  sessionIds: readonly string[],
  onProgress?: (done: number, total: number) => void,
): Promise<Delivery> {
  return shareOrDownload(await makeReport(sessionIds, onProgress), REPORT_TEXT.title);
}
