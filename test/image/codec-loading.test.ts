import { describe, expect, it } from 'vitest';
import type { CodecLoader } from '../../src/core/image/codecs.ts';
import { decodeImage } from '../../src/core/image/decode.ts';
import { nodeCodecLoader } from '../../src/core/image/decode.node.ts';
import { readData } from './helpers.ts';

// Its own file: vitest gives each test file fresh modules, so no codec is loaded yet when these run.
describe('codec loading', () => {
  it('loads only the codec a file needs, once', async () => {
    const asked: string[] = [];
    const counting: CodecLoader = {
      compile(format) {
        asked.push(format);
        return nodeCodecLoader.compile(format);
      },
    };
    const png = await readData('photos/python3-skimage__chelsea.png');
    await decodeImage(png, counting);
    await decodeImage(png, counting);
    expect(asked).toEqual(['png']);
  });

  it('a loader failure is passed on as such, not as a damaged photo, and the loader is asked again next time', async () => {
    const webp = await readData('photos/golang-golang-x-image-dev__yellow_rose.lossy.webp');
    const offline: CodecLoader = { compile: () => Promise.reject(new Error('offline')) };
    const error = await decodeImage(webp, offline).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    expect(error).not.toHaveProperty('code');
    expect((error as Error).message).toBe('offline');
    expect((await decodeImage(webp, nodeCodecLoader)).width).toBe(400);
  });
});
