import type { ImageInputErrorCode } from '../../src/core/image/errors.ts';

/** Files of ../shared/data/bad that must be refused, with the reason, from its README. */
export const BAD_REFUSED: Readonly<Record<string, ImageInputErrorCode>> = {
  'empty.jpg': 'empty',
  'text-renamed.jpg': 'not_an_image',
  'truncated-40pct.jpg': 'truncated',
  '1x1.jpg': 'too_small',
  'huge-30000x30000.png': 'too_large',
  'huge-header-only-30000x30000.png': 'too_large',
  'huge-dims-30000x30000.jpg': 'too_large',
  // The codec cannot output RGB from CMYK/YCCK, so it is refused clearly rather than shown in wrong colours.
  'cmyk.jpg': 'unsupported_format',
};

/**
 * Files of ../shared/data/bad that decode (poor photos get quality flags, not refusals): their size, and the
 * README's ImageMagick mean grey (0–1), or undefined where the README gives none.
 */
export const BAD_DECODED: Readonly<Record<string, { width: number; height: number; meanGrey?: number }>> = {
  'png-renamed.jpg': { width: 512, height: 512 },
  'blurry.jpg': { width: 800, height: 532, meanGrey: 0.456 },
  'dark.jpg': { width: 800, height: 532, meanGrey: 0.055 },
  'overexposed.jpg': { width: 800, height: 532, meanGrey: 0.828 },
};
