/** The id form shared by every part of the sync contract. Platform-free. */
import { z } from 'zod';

/** Client-generated ids (sessions, images, logs, feedback): UUIDs fit. Path-safe by construction. */
export const ClientIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]{0,127}$/, 'letters, digits, "-" or "_", 1–128 characters');
