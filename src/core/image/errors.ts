/** Why an input file could not be analysed. Stable codes: shown to people (via `message`) and stored in logs. */
export const IMAGE_INPUT_ERROR_CODES = [
  'empty',
  'not_an_image',
  'unsupported_format',
  'truncated',
  'corrupt',
  'too_small',
  'too_large',
] as const;
export type ImageInputErrorCode = (typeof IMAGE_INPUT_ERROR_CODES)[number];

/**
 * A specific, person-readable reason an image was refused. Thrown by decoding and validation;
 * never thrown for a merely poor photo (those get quality flags instead).
 */
export class ImageInputError extends Error {
  override readonly name = 'ImageInputError';
  constructor(
    readonly code: ImageInputErrorCode,
    message: string,
  ) {
    super(message);
  }
}
