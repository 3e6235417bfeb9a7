import { createReadStream, statSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The shared test data beside the repository (`../shared/data`: photos, bad files), served under `/data/`. */
export const DATA_DIR = fileURLToPath(new URL('../../../../shared/data/', import.meta.url));
/** The repository's sample history, served under `/samples/`. */
export const SAMPLES_DIR = fileURLToPath(new URL('../../../samples/', import.meta.url));

const MOUNTS: readonly (readonly [string, string])[] = [
  ['/data/', DATA_DIR],
  ['/samples/', SAMPLES_DIR],
];

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.mjs': 'text/javascript',
  '.json': 'application/json',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
  '.jpg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.webmanifest': 'application/manifest+json',
};

export interface StaticServer {
  readonly origin: string;
  close(): Promise<void>;
}

/**
 * Serves a built app directory on 127.0.0.1 (a secure context, which WebGPU needs), plus `/data/` (the shared
 * test data) and `/samples/` (the sample history). With `isolated`, every response carries COOP/COEP, so pages and workers are cross-origin
 * isolated and onnxruntime-web may use WASM threads; without it they are not.
 */
export async function serveStatic(root: string, options: { isolated: boolean }): Promise<StaticServer> {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://localhost').pathname);
    const mount = MOUNTS.find(([prefix]) => path.startsWith(prefix));
    const [base, rest] = mount ? [mount[1], path.slice(mount[0].length)] : [root, path];
    const file = join(base, normalize(rest).replace(/^(\.\.[/\\])+/, ''));
    let size: number;
    try {
      const stat = statSync(file);
      if (!stat.isFile()) throw new Error('not a file');
      size = stat.size;
    } catch {
      res.writeHead(404).end();
      return;
    }
    const headers: Record<string, string | number> = {
      'Content-Type': TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream',
      'Content-Length': size,
      'Cache-Control': 'no-cache',
    };
    if (options.isolated) {
      headers['Cross-Origin-Opener-Policy'] = 'same-origin';
      headers['Cross-Origin-Embedder-Policy'] = 'require-corp';
    }
    res.writeHead(200, headers);
    createReadStream(file).pipe(res);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    origin: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
