/**
 * The words of the report for a clinician: neutral, as everywhere in BCD (README "Words"; SPEC "Words never used"
 * also rules out the medical verb itself, so the report says in other words that BCD gives no medical opinion).
 */
export const REPORT_TEXT = {
  title: 'BCD photo diary: report of visible change',
  /** The line every page carries. */
  noMedicalOpinion:
    'BCD gives no medical opinion: it measures how much photos changed, not why or what that means. ' +
    'Light, pose and clothing all count.',
  intro:
    'BCD is a private photo diary. A person photographs the same areas from fixed angles every few weeks, and ' +
    'BCD compares each session with their own earlier sessions on their phone. This report was made on the ' +
    'phone, for the sessions the person chose, and shared by them.',
  howToRead:
    'Each angle shows the earlier photo it was compared with and the photo of the session, with their dates. ' +
    'The change map colours the areas that changed more than this person’s usual differences between retakes ' +
    '(light yellow: mild, through orange, to purple: strong); clear areas changed within that range. Scores go ' +
    'from 0 (no change) to 1; confidence says how far the photos allow a comparison.',
  firstPhoto: 'First photo of this angle: nothing earlier to compare with.',
  noMap: 'No change map: the photos could not be lined up area by area.',
} as const;
