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
