import { describe, expect, it } from 'vitest';
import { NARROWING_EFFECT, narrowingWarning } from '../../src/app/text/consent.ts';

/** Issue 10: the consent screen says in plain words that unticking a scope deletes what was sent of it. */
describe('the consent screen’s words on narrowing', () => {
  it('names what saving deletes on the server, in the screen’s order', () => {
    expect(narrowingWarning(['images'])).toBe(
      'Saving deletes from the server the photos this phone already sent. They stay on this phone.',
    );
    expect(narrowingWarning(['feedback', 'images', 'embeddings'])).toBe(
      'Saving deletes from the server the photos, vectors and notes this phone already sent. They stay on this ' +
        'phone.',
    );
    expect(narrowingWarning(['logs', 'feedback'])).toContain('the analysis logs and notes this phone');
  });

  it('no longer says that what was sent stays until withdrawal', () => {
    expect(NARROWING_EFFECT).toMatch(/deletes what this phone already sent/);
    expect(NARROWING_EFFECT).not.toMatch(/stays until/);
  });
});
