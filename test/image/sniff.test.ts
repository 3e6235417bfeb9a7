import { describe, expect, it } from 'vitest';
import { sniffFormat } from '../../src/core/image/sniff.ts';
import { expectRefusal, readData } from './helpers.ts';

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));
const bytes = (...parts: (number[] | string)[]): Uint8Array =>
  new Uint8Array(
    parts.flatMap((p) => (typeof p === 'string' ? ascii(p) : p)).concat(new Array<number>(32).fill(0)),
  );
/** An ISO-BMFF `ftyp` box: size, 'ftyp', major brand, minor version, compatible brands. */
const ftyp = (major: string, ...compatible: string[]): Uint8Array =>
  bytes([0, 0, 0, 16 + 4 * compatible.length], 'ftyp', major, [0, 0, 0, 0], compatible.join(''));

const refuse = async (input: Uint8Array, code: 'unsupported_format' | 'not_an_image', name?: RegExp) => {
  const error = await expectRefusal(
    Promise.resolve().then(() => sniffFormat(input)),
    code,
  );
  if (name) expect(error.message).toMatch(name);
};

describe('sniffFormat', () => {
  it('recognises the decoded formats from their magic bytes', () => {
    expect(sniffFormat(bytes([0xff, 0xd8, 0xff, 0xe0]))).toBe('jpeg');
    expect(sniffFormat(bytes([0x89], 'PNG\r\n\x1a\n'))).toBe('png');
    expect(sniffFormat(bytes('RIFF', [0x10, 0, 0, 0], 'WEBPVP8 '))).toBe('webp');
  });

  it('refuses zero bytes as empty', async () => {
    await expectRefusal(
      Promise.resolve().then(() => sniffFormat(new Uint8Array(0))),
      'empty',
    );
  });

  it('names recognised formats it does not decode', async () => {
    await refuse(bytes('GIF89a'), 'unsupported_format', /^GIF/);
    await refuse(bytes('GIF87a'), 'unsupported_format', /^GIF/);
    await refuse(bytes('II*', [0]), 'unsupported_format', /^TIFF/);
    await refuse(bytes('MM', [0], '*'), 'unsupported_format', /^TIFF/);
    await refuse(
      bytes('BM', [0x36, 0, 0, 0, 0, 0, 0, 0, 0x36, 0, 0, 0, 40, 0, 0, 0]),
      'unsupported_format',
      /^BMP/,
    );
    await refuse(
      ftyp('heic', 'mif1', 'heic'),
      'unsupported_format',
      /^HEIC photos are not supported yet; export/,
    );
    await refuse(ftyp('mif1', 'mif1', 'heic'), 'unsupported_format', /^HEIC/);
    await refuse(ftyp('mif1', 'mif1'), 'unsupported_format', /^HEIF/);
    await refuse(ftyp('avif', 'mif1', 'miaf'), 'unsupported_format', /^AVIF/);
    await refuse(bytes([0xff, 0x0a]), 'unsupported_format', /^JPEG XL/);
  });

  it('refuses the HEIC photo in the shared data as HEIC', async () => {
    await refuse(
      await readData('photos/derived/digikam-data__body-background.heic'),
      'unsupported_format',
      /HEIC/,
    );
  });

  it('calls anything else not an image, even when it starts like one', async () => {
    await refuse(bytes('BMW owners club, minutes of the meeting'), 'not_an_image');
    await refuse(ftyp('isom', 'isom', 'mp41'), 'not_an_image');
    await refuse(bytes('RIFF', [0x10, 0, 0, 0], 'WAVEfmt '), 'not_an_image');
    await refuse(bytes([0xff, 0xd8]), 'not_an_image');
    await refuse(await readData('bad/text-renamed.jpg'), 'not_an_image', /not a picture/);
  });
});
