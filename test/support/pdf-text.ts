import { join } from 'node:path';
import { OPS, getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { REPO_ROOT } from './paths.ts';

/** What a PDF holds, as pdfjs-dist (Mozilla's PDF reader) reads it. */
export interface ReadPdf {
  pages: number;
  /** Each page's text, its items joined by spaces. */
  text: string[];
  /** Images painted on each page. */
  images: number[];
}

/** Reads a PDF's pages, text and painted images with pdfjs-dist, as a PDF viewer would. */
export async function readPdf(bytes: Uint8Array): Promise<ReadPdf> {
  const task = getDocument({
    data: bytes.slice(),
    useSystemFonts: false,
    standardFontDataUrl: `${join(REPO_ROOT, 'node_modules/pdfjs-dist/standard_fonts')}/`,
  });
  const doc = await task.promise;
  const text: string[] = [];
  const images: number[] = [];
  for (let i = 1; i <= doc.numPages; i++) {
    const page = await doc.getPage(i);
    const content = await page.getTextContent();
    text.push(
      content.items
        .map((item) => ('str' in item ? item.str : ''))
        .join(' ')
        .replace(/\s+/g, ' '),
    );
    const ops = await page.getOperatorList();
    images.push(ops.fnArray.filter((fn) => fn === OPS.paintImageXObject).length);
  }
  const pages = doc.numPages;
  await task.destroy();
  return { pages, text, images };
}
