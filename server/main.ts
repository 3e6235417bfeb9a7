/**
 * Starts the sync server: `npm start` (tsx, after `npm run build:pwa`). Configuration from the environment (see
 * config.ts); with none, the embedded store in ./data on 127.0.0.1:8787. Serves the built PWA from `dist/`
 * (`BCD_PWA_DIR`) when it holds an `index.html`, so app and API share one origin.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const pwaBuilt = existsSync(path.join(config.pwaDir, 'index.html'));
  const app = await buildApp({ config, ...(pwaBuilt ? { staticRoot: config.pwaDir } : {}) });
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
}

main().catch((error: unknown) => {
  const message =
    error instanceof ConfigError
      ? `Configuration: ${error.message}`
      : String((error as Error).stack ?? error);
  process.stderr.write(`${message}\n`);
  process.exit(1);
});
