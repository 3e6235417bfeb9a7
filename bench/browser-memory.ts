import { readFile } from 'node:fs/promises';
import type { Browser } from 'playwright-core';

/**
 * Peak resident memory of Chromium's renderer processes, in MB: the largest `VmHWM` (the kernel's high-water mark
 * of resident pages, `/proc/<pid>/status`) among the browser's renderers. The page and its dedicated workers
 * (preprocess pool, model, faces) share one renderer process, and it is that process a phone's memory pressure
 * kills, so this is the figure issue 8's "peak memory, worker heap in Chromium" row needs: it holds the WASM heaps
 * (OpenCV, the JPEG decoder, onnxruntime), which a JavaScript heap figure would leave out, plus the page itself.
 * Renderer pids come from CDP's `SystemInfo.getProcessInfo`. Linux only; NaN where `/proc` cannot be read.
 */
export async function rendererPeakRssMb(browser: Browser): Promise<number> {
  const cdp = await browser.newBrowserCDPSession();
  try {
    const { processInfo } = (await cdp.send('SystemInfo.getProcessInfo')) as {
      processInfo: { type: string; id: number }[];
    };
    const peaks = await Promise.all(
      processInfo
        .filter((p) => p.type === 'renderer')
        .map(async ({ id }) => {
          const status = await readFile(`/proc/${id}/status`, 'utf8').catch(() => '');
          const kb = /^VmHWM:\s+(\d+) kB$/m.exec(status)?.[1];
          return kb === undefined ? Number.NaN : Number(kb) / 1024;
        }),
    );
    const known = peaks.filter((mb) => !Number.isNaN(mb));
    return known.length ? Math.max(...known) : Number.NaN;
  } finally {
    await cdp.detach();
  }
}
