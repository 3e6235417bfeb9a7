/**
 * Renders the PWA's PNG icons from the SVGs in `public/icons/` with Debian's headless Chromium. Run once after
 * changing an SVG (`npx tsx src/app/pwa/render-icons.ts`) and commit the PNGs: installers need PNG icons.
 */
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

const ICONS = join(import.meta.dirname, '../../../public/icons');
const OUTPUTS = [
  { svg: 'icon.svg', png: 'icon-192.png', size: 192 },
  { svg: 'icon.svg', png: 'icon-512.png', size: 512 },
  { svg: 'icon-maskable.svg', png: 'icon-maskable-512.png', size: 512 },
];

const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox'] });
try {
  for (const { svg, png, size } of OUTPUTS) {
    const page = await browser.newPage({ viewport: { width: size, height: size } });
    const markup = await readFile(join(ICONS, svg), 'utf8');
    await page.setContent(
      `<html><body style="margin:0;background:transparent"><img style="width:${size}px;height:${size}px;display:block" src="data:image/svg+xml;base64,${Buffer.from(markup).toString('base64')}"></body></html>`,
    );
    await page.screenshot({ path: join(ICONS, png), omitBackground: true });
    await page.close();
  }
} finally {
  await browser.close();
}
