import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ReportAngle, ReportContents, ReportImage } from '../../src/app/report/contents.ts';
import { buildReportPdf } from '../../src/app/report/pdf.ts';
import { formatDateTime } from '../../src/app/text/format.ts';
import { REPORT_TEXT } from '../../src/app/text/report.ts';
import { readPdf } from '../support/pdf-text.ts';

const PHOTOS = join(import.meta.dirname, '../../../shared/data/photos');
const image = async (file: string, width: number, height: number): Promise<ReportImage> => ({
  bytes: new Uint8Array(await readFile(join(PHOTOS, file))),
  format: file.endsWith('.png') ? 'png' : 'jpeg',
  width,
  height,
});

describe('the report PDF', () => {
  it('holds each session and angle, dated, with its pictures and the no-medical-opinion line on every page', async () => {
    const photo = await image('kphotoalbum__jesper.jpg', 480, 640);
    const earlier = await image('kphotoalbum__jesper_2.jpg', 480, 640);
    const map = await image('python3-skimage__chelsea.png', 451, 300);
    const angle = (name: string, first: boolean): ReportAngle => ({
      name,
      photo,
      earlier: first ? null : { image: earlier, takenAt: '2025-01-10T09:00:00.000Z' },
      changeMap: first ? null : map,
      changeScore: first ? 0 : 0.231,
      level: first ? 'stable' : 'mild_variation',
      changedArea: first ? null : 0.04,
      method: first ? null : 'lined up with your earlier photos and compared area by area',
      quality: 0.8,
    });
    const contents: ReportContents = {
      madeAt: '2026-03-01T12:00:00.000Z',
      sessions: [
        {
          takenAt: '2025-01-10T09:00:00.000Z',
          structural: 0,
          level: 'stable',
          angleChange: 0,
          confidence: 0.7,
          baselineSessions: 0,
          analysisVersion: 'bcd-2.1.0',
          angles: [angle('Front', true)],
        },
        {
          takenAt: '2025-02-14T09:00:00.000Z',
          structural: 0.12,
          level: 'mild_variation',
          angleChange: 0.231,
          confidence: 0.81,
          baselineSessions: 1,
          analysisVersion: 'bcd-2.1.0',
          angles: ['Front', 'Left side', 'Right side', 'Front with arms raised'].map((n) => angle(n, false)),
        },
      ],
    };
    const pdf = await readPdf(await buildReportPdf(contents));
    // Cover; session 1 (one angle); session 2: four angle blocks at two per page.
    expect(pdf.pages).toBe(4);
    for (const page of pdf.text) expect(page).toContain(REPORT_TEXT.noMedicalOpinion);
    const all = pdf.text.join('\n');
    for (const s of contents.sessions) expect(all).toContain(`Session of ${formatDateTime(s.takenAt)}`);
    expect(all).toContain('Session of');
    expect(pdf.text[3]).toContain('(continued)');
    for (const name of ['Front', 'Left side', 'Right side', 'Front with arms raised'])
      expect(all).toContain(name);
    expect(all).toContain(`Earlier photo, ${formatDateTime('2025-01-10T09:00:00.000Z')}`);
    expect(all).toContain('Change 0.231 (Mild Variation)');
    expect(all).toContain('confidence 81 % (Good)');
    expect(all).toContain(REPORT_TEXT.firstPhoto);
    expect(all).not.toMatch(/\b(risk\w*|abnormal\w*|suspicious\w*|concerning)\b/i);
    // Session 1: its photo only (first of its angle); session 2: earlier photo, photo and change map per angle.
    expect(pdf.images).toEqual([0, 1, 6, 6]);
  });

  it('refuses an empty report', async () => {
    await expect(buildReportPdf({ madeAt: '2026-03-01T12:00:00.000Z', sessions: [] })).rejects.toThrow(
      /at least one session/,
    );
  });
});
