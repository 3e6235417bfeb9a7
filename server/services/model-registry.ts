import { ApiError, badRequest } from '../errors.ts';

/**
 * The embedding models this deployment stores vectors of, each with its dimension, from `EMBEDDING_MODELS`
 * (`config.ts`; default the model the app ships). A model is registered by the deployment, never by an upload, so
 * no participant can claim a model id or fix its dimension for everyone else.
 */
export class ModelRegistry {
  constructor(private readonly models: ReadonlyMap<string, number>) {}

  /** The registered ids with their dimensions, `id (dims)`, for messages. */
  describe(): string {
    return [...this.models].map(([id, dims]) => `${id} (${dims})`).join(', ') || 'none';
  }

  /**
   * Checks every vector against its model's registered dimension.
   * @param vectors in body order, with the body field they came from (`embeddings.<i>`).
   * @throws ApiError 422 `unknown_model` naming `embeddings.<i>.model_id` for a model this server does not take
   *   (a later configuration may add it, so the device keeps the item), 400 naming `embeddings.<i>.vector` for a
   *   vector whose length is not the model's dimension.
   */
  check(vectors: readonly { readonly modelId: string; readonly dimensions: number }[]): void {
    vectors.forEach(({ modelId, dimensions }, i) => {
      const expected = this.models.get(modelId);
      if (expected === undefined) {
        throw new ApiError(
          422,
          'unknown_model',
          `embeddings.${i}.model_id: model ${modelId} is not registered on this server (registered: ` +
            `${this.describe()})`,
          `embeddings.${i}.model_id`,
        );
      }
      if (expected !== dimensions) {
        throw badRequest(
          `embeddings.${i}.vector`,
          `model ${modelId} has ${expected} dimensions, this vector ${dimensions}`,
        );
      }
    });
  }
}
