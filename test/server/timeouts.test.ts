import { connect, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appOn, openTestStore, participant } from './helpers.ts';

/** Opens a socket to the server and resolves once connected. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent and how long until it closed the socket (ms). */
function untilClosed(socket: Socket): Promise<{ data: string; ms: number }> {
  const started = Date.now();
  let data = '';
  socket.on('data', (chunk) => (data += chunk.toString('latin1')));
  socket.on('error', () => undefined);
  return new Promise((resolve) => socket.once('close', () => resolve({ data, ms: Date.now() - started })));
}

/**
 * Finding 7 of issue 10: a body trickling in is cut off by `REQUEST_TIMEOUT_MS` (408), an idle socket by
 * `CONNECTION_TIMEOUT_MS`, and connections beyond `MAX_CONNECTIONS` are closed on arrival. Real sockets on loopback.
 */
describe('slow clients and connection floods', () => {
  let harness: Awaited<ReturnType<typeof openTestStore>>;
  let app: FastifyInstance;
  let port: number;
  let token: string;

  beforeAll(async () => {
    harness = await openTestStore();
    app = await appOn(harness.store, harness.dataDir, {
      REQUEST_TIMEOUT_MS: '1500',
      CONNECTION_TIMEOUT_MS: '1000',
      MAX_CONNECTIONS: '4',
    });
    ({ token } = await participant(app));
    await app.listen({ port: 0, host: '127.0.0.1' });
    port = (app.server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await app.close();
    await harness.close();
  });

  it('answers 408 and closes a request whose body trickles in past the request timeout', async () => {
    const socket = await open(port);
    const closed = untilClosed(socket);
    socket.write(
      'PUT /api/consent HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n' +
        `authorization: Bearer ${token}\r\n\r\n{`,
    );
    // One byte every 300 ms: never idle for a whole connection timeout, yet never done.
    const trickle = setInterval(() => socket.writable && socket.write(' '), 300);
    const { data, ms } = await closed;
    clearInterval(trickle);
    expect(data).toMatch(/^HTTP\/1\.1 408/);
    expect(ms).toBeGreaterThanOrEqual(1000);
    expect(ms).toBeLessThan(4000);
  });

  it('closes a connection that sends nothing', async () => {
    const socket = await open(port);
    const { ms } = await untilClosed(socket);
    expect(ms).toBeLessThan(4000);
  });

  it('closes connections beyond the cap at once, and serves again once they go', async () => {
    const held = await Promise.all(Array.from({ length: 4 }, () => open(port)));
    const extra = await open(port);
    const { ms } = await untilClosed(extra);
    expect(ms).toBeLessThan(500);
    for (const socket of held) socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const health = await fetch(`http://127.0.0.1:${port}/health`);
    expect(health.status).toBe(200);
  });
});
