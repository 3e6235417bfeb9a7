import { createAnalysisClient, type AnalysisClient, type ModelInfo } from '../analysis/client.ts';

let client: AnalysisClient | undefined;
let info: Promise<ModelInfo> | undefined;

/** The app's one analysis client; its workers start on first use and stop when idle. */
export function analysisClient(): AnalysisClient {
  client ??= createAnalysisClient();
  return client;
}

/** The model and backend in use, loaded once (a failure is retried on the next call). */
export function modelInfo(): Promise<ModelInfo> {
  if (!info) {
    info = analysisClient().modelInfo();
    info.catch(() => (info = undefined));
  }
  return info;
}

/**
 * Starts the analysis workers and loads the model ahead of a first photo, so adding it does not wait for their
 * start-up (the New session screen calls it as it opens; issue 8). Unused, they end after their idle times.
 */
export function warmAnalysis(): void {
  analysisClient().warm();
}
