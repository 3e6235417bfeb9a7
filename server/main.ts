/**
 * Starts the sync server: `npm start` (tsx, after `npm run build:pwa`). Configuration from the environment (see
 * config.ts); with none, the embedded store in ./data on 127.0.0.1:8787. Serves the built PWA from `dist/`
 * (`BCD_PWA_DIR`) when it holds an `index.html`, so app and API share one origin. `--https` (or `BCD_HTTPS=1`)
 * serves HTTPS on every interface with the data dir's self-signed certificate and prints its address, fingerprint
 * and a QR code.
 */
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';
import { httpsBanner, httpsUrls } from './https-banner.ts';
import { lanAddresses, localCertificate } from './tls.ts';

async function main(): Promise<void> {
  const config = loadConfig({
    ...process.env,
    ...(process.argv.includes('--https') ? { BCD_HTTPS: '1' } : {}),
  });
  const pwaBuilt = existsSync(path.join(config.pwaDir, 'index.html'));
  const lan = lanAddresses();
  const certificate = config.https ? await localCertificate(config.dataDir, lan) : null;
  const app = await buildApp({
    config,
    ...(pwaBuilt ? { staticRoot: config.pwaDir } : {}),
    ...(certificate ? { https: certificate } : {}),
  });
  const shutdown = async (signal: string) => {
    app.log.info({ signal }, 'shutting down');
    await app.close();
    process.exit(0);
  };
  process.once('SIGINT', (signal) => void shutdown(signal));
  process.once('SIGTERM', (signal) => void shutdown(signal));
  await app.listen({ port: config.port, host: config.host });
  app.log.info(
    {
      mode: config.supabase ? 'supabase' : 'embedded',
      data_dir: config.supabase ? undefined : config.dataDir,
      app: pwaBuilt ? config.pwaDir : 'not built (npm run build:pwa)',
    },
    'sync server ready',
  );
  if (certificate) {
    const port = (app.server.address() as AddressInfo).port;
    process.stdout.write(await httpsBanner(httpsUrls(config.host, port, lan), certificate));
  }
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : String((error as Error).stack ?? error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
