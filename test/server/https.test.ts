import { spawn, type ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { once } from 'node:events';
import { readFile, stat } from 'node:fs/promises';
import { get, type RequestOptions } from 'node:https';
import type { TLSSocket } from 'node:tls';
import path from 'node:path';
import WebSocket from 'ws';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { httpsUrls } from '../../server/https-banner.ts';
import { SIGNALING_PATH } from '../../src/signaling/protocol.ts';
import { freePort } from '../e2e/server.ts';
import { tempDir } from './helpers.ts';

const ROOT = path.resolve(import.meta.dirname, '../..');

/** `server/main.ts` started as `npm start` starts it; resolves with its output once the HTTPS banner is printed. */
async function start(
  dataDir: string,
  port: number,
  how: { env?: Record<string, string>; args?: string[] },
): Promise<{ child: ChildProcess; banner: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts', ...(how.args ?? [])], {
    cwd: ROOT,
    env: {
      ...process.env,
      HOST: '127.0.0.1',
      PORT: String(port),
      BCD_DATA_DIR: dataDir,
      BCD_PWA_DIR: path.join(dataDir, 'no-app'),
      LOG_LEVEL: 'warn',
      ...how.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const banner = await new Promise<string>((resolve, reject) => {
    child.stdout?.on('data', (d: Buffer) => {
      output += d.toString();
      // The QR code is the banner's last part; its bottom row ends the output.
      if (output.includes('SHA-256 fingerprint') && output.trimEnd().endsWith('\u001b[0m')) resolve(output);
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}):\n${output}`)));
  });
  return { child, banner };
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null) return;
  child.kill('SIGTERM');
  await once(child, 'exit');
}

/** GET over HTTPS: status, body and the certificate the server presented. */
function httpsGet(
  url: string,
  options: RequestOptions,
): Promise<{ status: number; body: string; fingerprint256: string }> {
  return new Promise((resolve, reject) => {
    const request = get(url, options, (response) => {
      const fingerprint256 = (response.socket as TLSSocket).getPeerCertificate().fingerprint256;
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body, fingerprint256 }));
    });
    request.once('error', reject);
  });
}

/**
 * `npm start -- --https` / `BCD_HTTPS=1`: a self-signed certificate made on first run in the data dir (owner-only),
 * the same one served on later runs, its fingerprint printed with the address and a QR code, and the API and the
 * signaling relay (wss://) answering over it.
 */
describe('local HTTPS', () => {
  let data: Awaited<ReturnType<typeof tempDir>>;
  let port: number;
  let first: Awaited<ReturnType<typeof start>>;
  let certPem: string;

  beforeAll(async () => {
    data = await tempDir('https');
    port = await freePort();
    first = await start(data.dir, port, { env: { BCD_HTTPS: '1' } });
    certPem = await readFile(path.join(data.dir, 'tls/cert.pem'), 'utf8');
  });
  afterAll(async () => {
    if (first) await stop(first.child);
    await data.remove();
  });

  it('prints the address, the certificate’s SHA-256 fingerprint and a QR code', () => {
    const fingerprint = new X509Certificate(certPem).fingerprint256;
    expect(first.banner).toContain(`  https://127.0.0.1:${port}/\n`);
    expect(first.banner).toContain(`SHA-256 fingerprint ${fingerprint}\n`);
    expect(first.banner).toContain('Certificate (self-signed, made now)');
    // qrcode's terminal renderer draws with half blocks on ANSI colours.
    expect(first.banner).toContain('\u001b[47m\u001b[30m');
    expect(first.banner).toMatch(/[▄▀█]{3}/);
  });

  it('serves the API over HTTPS with that certificate, pinned by its fingerprint', async () => {
    const answer = await httpsGet(`https://127.0.0.1:${port}/health`, { rejectUnauthorized: false });
    expect(answer.status).toBe(200);
    expect(JSON.parse(answer.body)).toMatchObject({ status: 'ok', mode: 'embedded' });
    expect(answer.fingerprint256).toBe(new X509Certificate(certPem).fingerprint256);
  });

  it('is a valid certificate for 127.0.0.1 to a client that trusts it, and untrusted to one that does not', async () => {
    const trusted = await httpsGet(`https://127.0.0.1:${port}/health`, { ca: certPem });
    expect(trusted.status).toBe(200);
    await expect(httpsGet(`https://127.0.0.1:${port}/health`, {})).rejects.toMatchObject({
      code: 'DEPTH_ZERO_SELF_SIGNED_CERT',
    });
  });

  it('relays signaling over wss://', async () => {
    const socket = new WebSocket(`wss://127.0.0.1:${port}${SIGNALING_PATH}`, { ca: certPem });
    await once(socket, 'open');
    socket.send(JSON.stringify({ type: 'create' }));
    const [data] = (await once(socket, 'message')) as [Buffer];
    expect(JSON.parse(data.toString())).toMatchObject({ type: 'room' });
    socket.close(1000);
    await once(socket, 'close');
  });

  it('keeps key and certificate owner-only (0600) in an owner-only folder (0700)', async () => {
    const mode = async (file: string) => (await stat(path.join(data.dir, file))).mode & 0o777;
    expect(await mode('tls')).toBe(0o700);
    expect(await mode('tls/key.pem')).toBe(0o600);
    expect(await mode('tls/cert.pem')).toBe(0o600);
  });

  it('serves the same certificate on the next start, chosen with `--https`', async () => {
    await stop(first.child);
    const second = await start(data.dir, port, { args: ['--https'] });
    try {
      const fingerprint = new X509Certificate(certPem).fingerprint256;
      expect(second.banner).toContain('Certificate (self-signed):');
      expect(second.banner).toContain(`SHA-256 fingerprint ${fingerprint}`);
      expect(await readFile(path.join(data.dir, 'tls/cert.pem'), 'utf8')).toBe(certPem);
      const answer = await httpsGet(`https://127.0.0.1:${port}/health`, { rejectUnauthorized: false });
      expect(answer.fingerprint256).toBe(fingerprint);
    } finally {
      await stop(second.child);
    }
  });

  it('lists every LAN address (IPv4 first) when listening on all interfaces', () => {
    expect(httpsUrls('0.0.0.0', 8787, ['fd00::2', '192.168.1.20'])).toEqual([
      'https://192.168.1.20:8787/',
      'https://[fd00::2]:8787/',
    ]);
    expect(httpsUrls('192.168.1.20', 8443, ['10.0.0.5'])).toEqual(['https://192.168.1.20:8443/']);
    expect(httpsUrls('0.0.0.0', 8787, [])).toEqual(['https://127.0.0.1:8787/']);
  });
});
