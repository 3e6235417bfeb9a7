/**
 * What Results says of a photo in which faces were found (issue 11), in neutral words: whether the change measure
 * left them out, and what happens to them before sharing.
 * @param count faces found in the photo, ≥ 1.
 * @param leftOut whether the change engine left them out (false: they take much of the frame, a portrait or a group,
 *   so it measured them).
 */
export function faceNoteText(count: number, leftOut: boolean): string {
  const one = count === 1;
  const found = one ? 'A face is in this photo' : `${count} faces are in this photo`;
  const measure = leftOut
    ? `${one ? 'its area is' : 'their areas are'} left out of the change measure, as expressions change from one ` +
      'session to the next'
    : `${one ? 'it takes' : 'they take'} a large part of the photo, so the change measure includes ${one ? 'it' : 'them'}`;
  return (
    `${found}: ${measure}. ${one ? 'It is' : 'They are'} blurred before the photo is shared, unless you chose to ` +
    'share faces unblurred.'
  );
}
