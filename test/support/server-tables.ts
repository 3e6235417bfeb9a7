/** The sync server's tables, as migrations/ creates them. */
export const SERVER_TABLES = [
  'participants',
  'consents',
  'sessions',
  'images',
  'session_analysis',
  'angle_analysis',
  'embeddings',
  'analysis_logs',
  'feedback',
] as const;
