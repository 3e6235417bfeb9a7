import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { HARNESS_PAGE } from './build-harness.ts';
import { serveStatic } from './serve.ts';

/** Debian's Chromium; playwright's own browser downloads are not reachable here. */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const BASE_ARGS = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/**
 * WebGPU on SwiftShader (Vulkan on the CPU): with these flags Debian's Chromium 156 offers an adapter
 * (vendor google, architecture swiftshader) on a machine without a GPU; without them `requestAdapter()` is null.
 */
export const WEBGPU_ARGS = [
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-webgpu-adapter=swiftshader',
];

/** Launches headless Chromium, with SwiftShader WebGPU when `webgpu`. */
export function launchChromium(options: { webgpu?: boolean } = {}): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: [...BASE_ARGS, ...(options.webgpu ? WEBGPU_ARGS : [])],
  });
}

/**
 * Opens the harness page and waits until `window.harness` is there; page errors and the paths of the requests the
 * page and its workers made are kept for the test.
 */
export async function openHarness(
  browser: Browser,
  url: string,
): Promise<{ page: Page; errors: string[]; requested: string[] }> {
  const page = await browser.newPage();
  const errors: string[] = [];
  const requested: string[] = [];
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('request', (request) => requested.push(new URL(request.url()).pathname));
  await page.goto(url);
  await page.waitForFunction(() => 'harness' in window);
  return { page, errors, requested };
}

/** Whether this Chromium offers a WebGPU adapter on `page`. */
export function hasWebGpuAdapter(page: Page): Promise<boolean> {
  return page.evaluate(async () => {
    const gpu = (navigator as { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
    return gpu !== undefined && (await gpu.requestAdapter()) !== null;
  });
}

/** A built harness served and opened in Chromium; `close` stops both. */
export interface RunningHarness {
  readonly browser: Browser;
  readonly page: Page;
  /** Uncaught errors on the page (each test expects none). */
  readonly errors: string[];
  /** URL paths the page and its workers requested, in order. */
  readonly requested: string[];
  readonly origin: string;
  close(): Promise<void>;
}

/** Serves the built harness `dir` (cross-origin isolated or not) and opens it in a new Chromium. */
export async function runHarness(
  dir: string,
  options: { isolated: boolean; webgpu?: boolean },
): Promise<RunningHarness> {
  const server = await serveStatic(dir, { isolated: options.isolated });
  const browser = await launchChromium({ webgpu: options.webgpu ?? false });
  const { page, errors, requested } = await openHarness(browser, `${server.origin}${HARNESS_PAGE}`);
  return {
    browser,
    page,
    errors,
    requested,
    origin: server.origin,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}
