import type { ConsentScope } from '../../sync/contract.ts';

/**
 * Version of the consent text below, recorded with every consent on the device and on the server. Any change to
 * the words (what is shared, with whom, how to withdraw, a scope's description) needs a new version, so the
 * research team knows which text a participant agreed to.
 */
export const CONSENT_VERSION = '2026-12-v1';

/** One thing a person may choose to share, in plain words. */
export interface ScopeText {
  scope: ConsentScope;
  label: string;
  detail: string;
  /** Sharing anything needs this one: every other upload belongs to a session. */
  required: boolean;
  /** Left unticked until the person ticks it (not part of the first choice offered). */
  offByDefault?: true;
}

/** The scopes of the sync contract, in the order the consent screen lists them. */
export const SCOPE_TEXTS: readonly ScopeText[] = [
  {
    scope: 'sessions',
    label: 'Session scores',
    detail:
      'The date of each session, which angles you photographed, the change and confidence figures, and the ' +
      'quality figures of each photo.',
    required: true,
  },
  {
    scope: 'images',
    label: 'Photos',
    detail:
      'Your photos, turned upright, with everything but the picture removed on this phone first: no location, ' +
      'no camera or phone details, no time stamps, no file names.',
    required: false,
  },
  {
    scope: 'faces',
    label: 'Unblurred faces',
    detail:
      'Unticked, this phone finds any face in a photo and blurs it before the photo is shared. Ticked, faces are ' +
      'shared as they are in the photo.',
    required: false,
    offByDefault: true,
  },
  {
    scope: 'embeddings',
    label: 'Vectors',
    detail:
      'The lists of numbers the model computes from each photo: they describe what the photo shows, and they are ' +
      'what BCD compares.',
    required: false,
  },
  {
    scope: 'logs',
    label: 'Analysis logs',
    detail: 'How long each step took, whether the processor or graphics chip ran the model, and any errors.',
    required: false,
  },
  {
    scope: 'feedback',
    label: 'Your notes',
    detail: 'When you mark a result as looking wrong or a photo as a bad photo.',
    required: false,
  },
];

/** Who receives what is shared. */
export const SHARED_WITH =
  'The BCD research team, who study how well photo comparisons measure change over time. They see a random ' +
  'participant code, never your name, email or phone number: BCD does not ask for them.';

/** How to withdraw, as the consent screen and Settings say it. */
export const HOW_TO_WITHDRAW =
  'You can withdraw at any time in Settings. The server then deletes everything this phone shared (sessions, ' +
  'photos, vectors, logs and notes) and tells you how much it deleted; nothing more is sent. Your sessions stay ' +
  'on this phone.';

/** What withdrawing does, as Settings says it beside the button. */
export const WITHDRAW_EFFECT =
  'Withdrawing stops sharing at once. The server then deletes everything this phone shared and tells you how ' +
  'much it deleted. Your sessions stay on this phone.';

/** What changing the choice does, as the consent screen says it to a person who shares already. */
export const NARROWING_EFFECT =
  'Unticking something stops sending it, and the server deletes what this phone already sent of it. Your ' +
  'sessions stay on this phone.';

/**
 * What saving will delete on the server, for the scopes the person has just unticked (in the screen's order), e.g.
 * "Saving deletes from the server the photos and vectors this phone already sent. They stay on this phone."
 */
export function narrowingWarning(dropped: readonly ConsentScope[]): string {
  // "Your notes" → "notes": the sentence says "the … this phone already sent".
  const names = SCOPE_TEXTS.filter((s) => dropped.includes(s.scope)).map((s) =>
    s.label.toLowerCase().replace(/^your /, ''),
  );
  const list = names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names.at(-1)}` : (names[0] ?? '');
  return `Saving deletes from the server the ${list} this phone already sent. They stay on this phone.`;
}

/** The label of a scope. */
export function scopeLabel(scope: ConsentScope): string {
  return SCOPE_TEXTS.find((s) => s.scope === scope)?.label ?? scope;
}
