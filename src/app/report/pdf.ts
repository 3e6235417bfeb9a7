import { PDFDocument, StandardFonts, rgb, type PDFFont, type PDFImage, type PDFPage } from 'pdf-lib';
import {
  confidenceWords,
  formatDate,
  formatDateTime,
  formatPercent,
  formatScore,
  levelLabel,
} from '../text/format.ts';
import { REPORT_TEXT } from '../text/report.ts';
import type { ReportAngle, ReportContents, ReportImage, ReportSession } from './contents.ts';

/** A4 portrait in PDF points (1/72 inch), the paper size clinics print on. */
const PAGE = { width: 595.28, height: 841.89 };
const MARGIN = 40;
const CONTENT_WIDTH = PAGE.width - 2 * MARGIN;
/** Space kept at the bottom of every page for the no-medical-opinion line and the page number. */
const FOOTER_HEIGHT = 42;
const GAP = 10;
/** Three pictures side by side per angle: earlier photo, this photo, change map. */
const PICTURE = (CONTENT_WIDTH - 2 * GAP) / 3;
const TEXT = rgb(0.12, 0.16, 0.17);
const MUTED = rgb(0.36, 0.42, 0.43);
const FRAME = rgb(0.86, 0.85, 0.81);

/**
 * Text as the PDF's standard fonts can write it (WinAnsi): the narrow and no-break spaces that locales put in dates
 * become spaces, and any other character outside WinAnsi a question mark, so no name or date can stop the report.
 */
function winAnsi(text: string): string {
  return text
    .replace(/[\u00A0\u2009\u202F]/g, ' ')
    .replace(/[^\x20-\x7E\u00A1-\u00FF\u2018\u2019\u201C\u201D\u2013\u2014\u2022\u2026]/g, '?');
}

/** Splits `text` into lines no wider than `width` at `size`. */
function wrap(text: string, font: PDFFont, size: number, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of winAnsi(text).split(' ')) {
    const next = line ? `${line} ${word}` : word;
    if (line && font.widthOfTextAtSize(next, size) > width) {
      lines.push(line);
      line = word;
    } else line = next;
  }
  if (line) lines.push(line);
  return lines;
}

/** Lays pages out top to bottom, starting a new page when a block does not fit. */
class Layout {
  page!: PDFPage;
  /** Distance of the next line's top from the page's bottom, in points. */
  y = 0;

  constructor(
    readonly doc: PDFDocument,
    readonly regular: PDFFont,
    readonly bold: PDFFont,
  ) {
    this.newPage();
  }

  newPage(): void {
    this.page = this.doc.addPage([PAGE.width, PAGE.height]);
    this.y = PAGE.height - MARGIN;
  }

  /** Starts a new page unless `height` points still fit above the footer. @returns whether it did. */
  ensure(height: number): boolean {
    if (this.y - height >= MARGIN + FOOTER_HEIGHT) return false;
    this.newPage();
    return true;
  }

  paragraph(
    text: string,
    options: { size?: number; bold?: boolean; colour?: typeof TEXT; after?: number } = {},
  ) {
    const size = options.size ?? 10;
    const font = options.bold ? this.bold : this.regular;
    const leading = size * 1.35;
    for (const line of wrap(text, font, size, CONTENT_WIDTH)) {
      this.ensure(leading);
      this.page.drawText(line, { x: MARGIN, y: this.y - size, size, font, color: options.colour ?? TEXT });
      this.y -= leading;
    }
    this.y -= options.after ?? 4;
  }
}

async function embed(doc: PDFDocument, image: ReportImage): Promise<PDFImage> {
  return image.format === 'jpeg' ? doc.embedJpg(image.bytes) : doc.embedPng(image.bytes);
}

/** Draws `image` fitted into a square box whose top-left corner is (`x`, `top`), with a caption under it. */
async function picture(
  layout: Layout,
  image: ReportImage | null,
  x: number,
  top: number,
  caption: string,
  empty: string,
): Promise<void> {
  const { page, regular } = layout;
  page.drawRectangle({
    x,
    y: top - PICTURE,
    width: PICTURE,
    height: PICTURE,
    borderColor: FRAME,
    borderWidth: 0.75,
  });
  if (image) {
    const embedded = await embed(layout.doc, image);
    const scale = Math.min(PICTURE / image.width, PICTURE / image.height);
    const width = image.width * scale;
    const height = image.height * scale;
    page.drawImage(embedded, {
      x: x + (PICTURE - width) / 2,
      y: top - PICTURE + (PICTURE - height) / 2,
      width,
      height,
    });
  } else {
    wrap(empty, regular, 8, PICTURE - 12).forEach((line, i) =>
      page.drawText(line, { x: x + 6, y: top - 18 - i * 11, size: 8, font: regular, color: MUTED }),
    );
  }
  wrap(caption, regular, 8, PICTURE).forEach((line, i) =>
    page.drawText(line, { x, y: top - PICTURE - 11 - i * 10, size: 8, font: regular, color: MUTED }),
  );
}

/** Height of one angle's block: name, three pictures with two caption lines, and three lines of figures. */
const ANGLE_BLOCK = 16 + PICTURE + 24 + 3 * 13 + 8;

async function angleBlock(layout: Layout, session: ReportSession, angle: ReportAngle): Promise<void> {
  if (layout.ensure(ANGLE_BLOCK)) sessionHeading(layout, session, true);
  const { page, bold } = layout;
  page.drawText(winAnsi(angle.name), { x: MARGIN, y: layout.y - 12, size: 12, font: bold, color: TEXT });
  layout.y -= 16;
  const top = layout.y;
  await picture(
    layout,
    angle.earlier?.image ?? null,
    MARGIN,
    top,
    angle.earlier ? `Earlier photo, ${formatDateTime(angle.earlier.takenAt)}` : 'Earlier photo: none',
    REPORT_TEXT.firstPhoto,
  );
  await picture(
    layout,
    angle.photo,
    MARGIN + PICTURE + GAP,
    top,
    `This session, ${formatDateTime(session.takenAt)}`,
    '',
  );
  await picture(
    layout,
    angle.changeMap,
    MARGIN + 2 * (PICTURE + GAP),
    top,
    angle.changeMap ? 'Change map over this photo, lined up with the earlier one' : 'Change map: none',
    angle.earlier ? REPORT_TEXT.noMap : REPORT_TEXT.firstPhoto,
  );
  layout.y = top - PICTURE - 26;
  const figures = [
    `Change ${formatScore(angle.changeScore)} (${levelLabel(angle.level)})`,
    angle.changedArea === null ? null : `changed area ${formatPercent(angle.changedArea)} of the frame`,
    `photo quality ${formatPercent(angle.quality)}`,
  ].filter((f) => f !== null);
  layout.paragraph(figures.join(' · '), { size: 9, after: 0 });
  if (angle.method) layout.paragraph(`Measured: ${angle.method}.`, { size: 9, colour: MUTED, after: 0 });
  layout.y -= 10;
}

function sessionHeading(layout: Layout, session: ReportSession, continued: boolean): void {
  layout.paragraph(`Session of ${formatDateTime(session.takenAt)}${continued ? ' (continued)' : ''}`, {
    size: 14,
    bold: true,
    after: 2,
  });
  if (continued) return;
  layout.paragraph(
    `Structural change ${formatScore(session.structural)} (${levelLabel(session.level)}) · angle change ` +
      `${formatScore(session.angleChange)} · confidence ${formatPercent(session.confidence)} ` +
      `(${confidenceWords(session.confidence)}) · compared with ${session.baselineSessions} earlier ` +
      `session${session.baselineSessions === 1 ? '' : 's'} · analysis ${session.analysisVersion}`,
    { size: 9, colour: MUTED, after: 10 },
  );
}

/** The no-medical-opinion line and "Page i of n" at the foot of every page. */
function footers(doc: PDFDocument, font: PDFFont): void {
  const pages = doc.getPages();
  pages.forEach((page, i) => {
    page.drawLine({
      start: { x: MARGIN, y: MARGIN + FOOTER_HEIGHT - 12 },
      end: { x: PAGE.width - MARGIN, y: MARGIN + FOOTER_HEIGHT - 12 },
      thickness: 0.5,
      color: FRAME,
    });
    wrap(REPORT_TEXT.noMedicalOpinion, font, 8.5, CONTENT_WIDTH - 60).forEach((line, l) =>
      page.drawText(line, { x: MARGIN, y: MARGIN + 16 - l * 11, size: 8.5, font, color: TEXT }),
    );
    const number = `Page ${i + 1} of ${pages.length}`;
    page.drawText(number, {
      x: PAGE.width - MARGIN - font.widthOfTextAtSize(number, 8.5),
      y: MARGIN + 16,
      size: 8.5,
      font,
      color: MUTED,
    });
  });
}

/**
 * Builds the report for a clinician as a PDF, on the device, with pdf-lib: a first page with what BCD is, how to
 * read the report, each chosen session's scores and the line that BCD gives no medical opinion; then, per session and
 * angle, the dated photo pair, the change map, the change score with its level and the neutral words of how it
 * was measured. Every page carries that line. A4 portrait, standard fonts (no font file embedded).
 * @param contents the chosen sessions, oldest first, with their photos already encoded (JPEG or PNG).
 * @returns the PDF's bytes.
 * @throws Error when `contents` holds no session, or an image's bytes are not the JPEG or PNG they claim to be.
 */
export async function buildReportPdf(contents: ReportContents): Promise<Uint8Array> {
  if (contents.sessions.length === 0) throw new Error('A report needs at least one session.');
  const doc = await PDFDocument.create();
  doc.setTitle(REPORT_TEXT.title);
  doc.setCreator('BCD');
  doc.setProducer('BCD (pdf-lib), on the device');
  doc.setCreationDate(new Date(contents.madeAt));
  const [regular, bold] = await Promise.all([
    doc.embedFont(StandardFonts.Helvetica),
    doc.embedFont(StandardFonts.HelveticaBold),
  ]);
  const layout = new Layout(doc, regular, bold);
  layout.paragraph(REPORT_TEXT.title, { size: 18, bold: true, after: 2 });
  layout.paragraph(
    `Made on ${formatDate(contents.madeAt)} · ${contents.sessions.length} session` +
      `${contents.sessions.length === 1 ? '' : 's'}: ` +
      contents.sessions.map((s) => formatDate(s.takenAt)).join(' · '),
    { colour: MUTED, after: 10 },
  );
  layout.paragraph(REPORT_TEXT.noMedicalOpinion, { size: 11, bold: true, after: 10 });
  layout.paragraph(REPORT_TEXT.intro, { after: 8 });
  layout.paragraph(REPORT_TEXT.howToRead, { after: 14 });
  layout.paragraph('Sessions in this report', { size: 12, bold: true, after: 4 });
  for (const s of contents.sessions) {
    layout.paragraph(
      `${formatDateTime(s.takenAt)}: structural change ${formatScore(s.structural)} (${levelLabel(s.level)}), ` +
        `angle change ${formatScore(s.angleChange)}, confidence ${formatPercent(s.confidence)} ` +
        `(${confidenceWords(s.confidence)}), ${s.angles.length} angle${s.angles.length === 1 ? '' : 's'}: ` +
        s.angles.map((a) => a.name).join(', '),
      { size: 9.5, after: 3 },
    );
  }
  for (const session of contents.sessions) {
    layout.newPage();
    sessionHeading(layout, session, false);
    for (const angle of session.angles) await angleBlock(layout, session, angle);
  }
  footers(doc, regular);
  return doc.save();
}
