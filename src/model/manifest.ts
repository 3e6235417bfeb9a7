import { z } from 'zod';

/**
 * Describes an ONNX image-embedding model so any model can be dropped in (SPEC "Embedding").
 * Pixels reach the model as `((rgb / 255) - mean[c]) / std[c]`, resized to `input.width × input.height`,
 * in `input.layout` order. The output is one `output.dims`-long vector per image; BCD L2-normalises it.
 */
export const ModelManifestSchema = z.object({
  /** Stable id stored with every vector; vectors of different ids are never compared. */
  id: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/),
  /** ONNX file name, relative to the manifest. */
  file: z.string().min(1),
  /** sha256 (hex) of the ONNX file; checked before a model is used. */
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  input: z.object({
    name: z.string(),
    layout: z.enum(['NCHW', 'NHWC']),
    width: z.number().int().positive(),
    height: z.number().int().positive(),
    channels: z.literal(3),
  }),
  normalization: z.object({
    mean: z.tuple([z.number(), z.number(), z.number()]),
    std: z.tuple([z.number().positive(), z.number().positive(), z.number().positive()]),
  }),
  output: z.object({ name: z.string(), dims: z.number().int().positive() }),
  source: z.object({
    package: z.string(),
    version: z.string(),
    files: z.array(z.string()),
    url: z.string().optional(),
  }),
  licence: z.string(),
  notes: z.string().optional(),
});

export type ModelManifest = z.infer<typeof ModelManifestSchema>;

/**
 * Parses and validates a manifest (e.g. the JSON beside a dropped-in model).
 * @throws Error naming the first invalid field.
 */
export function parseModelManifest(json: unknown): ModelManifest {
  const result = ModelManifestSchema.safeParse(json);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new Error(`Invalid model manifest: ${issue?.path.join('.') || '(root)'}: ${issue?.message}`);
  }
  return result.data;
}
