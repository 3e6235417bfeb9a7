/**
 * Starts the sync server: `npm start` (tsx). Configuration from the environment (see config.ts); with none,
 * the embedded store in ./data on 127.0.0.1:8787. Serves the built PWA from `dist/` when it exists.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { buildApp } from './app.ts';
import { ConfigError, loadConfig } from './config.ts';

const PWA_DIR = path.resolve('dist');

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const app = await buildApp({
    config,
    ...(existsSync(path.join(PWA_DIR, 'index.html')) ? { staticRoot: PWA_DIR } : {}),
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
