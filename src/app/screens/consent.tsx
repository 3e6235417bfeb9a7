import { useState } from 'preact/hooks';
import type { ConsentScope } from '../../sync/contract.ts';
import { Notice } from '../components/notice.tsx';
import { navigate } from '../state/router.ts';
import { syncEngine, useSyncSettings, useSyncStatus } from '../state/sync.ts';
import type { Consent } from '../sync/state.ts';
import {
  CONSENT_VERSION,
  HOW_TO_WITHDRAW,
  NARROWING_EFFECT,
  SCOPE_TEXTS,
  SHARED_WITH,
  narrowingWarning,
} from '../text/consent.ts';
import { formatDateTime } from '../text/format.ts';

const ALL_SCOPES = SCOPE_TEXTS.map((s) => s.scope);
/** What a first consent offers ticked: every scope but those off by default (faces stay blurred). */
const FIRST_CHOICE = SCOPE_TEXTS.filter((s) => !s.offByDefault).map((s) => s.scope);

function ScopeChoices(props: { chosen: ConsentScope[]; onChange: (scopes: ConsentScope[]) => void }) {
  return (
    <fieldset class="choices">
      <legend>What would be shared</legend>
      {SCOPE_TEXTS.map((s) => (
        <label class="choice" key={s.scope}>
          <input
            type="checkbox"
            checked={s.required || props.chosen.includes(s.scope)}
            // Not `disabled`: a greyed box reads as "not shared"; this one is always shared, so it stays ticked.
            aria-disabled={s.required}
            data-testid={`scope-${s.scope}`}
            onClick={(e) => s.required && e.preventDefault()}
            onChange={(e) =>
              props.onChange(
                e.currentTarget.checked
                  ? [...props.chosen, s.scope]
                  : props.chosen.filter((scope) => scope !== s.scope),
              )
            }
          />
          <span>
            <strong>{s.label}</strong>
            {s.required && <span class="muted"> (always, when sharing)</span>}
            <br />
            <span class="muted">{s.detail}</span>
          </span>
        </label>
      ))}
    </fieldset>
  );
}

function ConsentForm(props: { current: Consent | null }) {
  const { current } = props;
  const status = useSyncStatus();
  const [chosen, setChosen] = useState<ConsentScope[]>(current ? current.scopes : FIRST_CHOICE);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const scopes = ALL_SCOPES.filter(
    (scope) => SCOPE_TEXTS.find((s) => s.scope === scope)?.required || chosen.includes(scope),
  );
  const dropped = current ? current.scopes.filter((scope) => !scopes.includes(scope)) : [];

  async function agree() {
    setBusy(true);
    setError(undefined);
    try {
      await syncEngine().giveConsent(CONSENT_VERSION, scopes);
      navigate({ name: 'settings' });
    } catch (err) {
      setError(
        `Your choice could not be saved on this phone: ${err instanceof Error ? err.message : String(err)}`,
      );
    } finally {
      setBusy(false);
    }
  }

  return (
    <>
      {current && (
        <Notice testId="consent-current">
          You agreed on {formatDateTime(current.given_at)} to the text of version {current.version}.{' '}
          {NARROWING_EFFECT}
        </Notice>
      )}
      <section class="card">
        <ScopeChoices chosen={chosen} onChange={setChosen} />
        <p class="muted">
          Only sessions from this phone are shared, and only what is ticked. Photos never leave the phone with
          their location or camera details: those are removed here first.
        </p>
      </section>
      <section class="card">
        <h2 class="card-title">With whom</h2>
        <p data-testid="consent-with-whom">{SHARED_WITH}</p>
        <p class="muted">
          Sent to the server this app was opened from: <strong>{location.host}</strong>.
        </p>
      </section>
      <section class="card">
        <h2 class="card-title">How to withdraw</h2>
        <p data-testid="consent-withdraw">{HOW_TO_WITHDRAW}</p>
      </section>
      {status.state === 'no_server' && (
        <Notice kind="hint">
          This copy of BCD was not opened from a BCD sync server, so nothing can be sent from here yet. Your
          choice is kept on this phone.
        </Notice>
      )}
      {dropped.length > 0 && (
        <Notice kind="hint" testId="consent-narrowing">
          {narrowingWarning(dropped)}
        </Notice>
      )}
      {error && <Notice kind="stop">{error}</Notice>}
      <p class="muted" data-testid="consent-version">
        Consent text version {CONSENT_VERSION}.
      </p>
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={busy}
          onClick={() => void agree()}
          data-testid="consent-agree"
        >
          {current ? 'Save my choices' : 'I agree, share what is ticked'}
        </button>
        <button
          type="button"
          class="quiet"
          onClick={() => navigate({ name: current ? 'settings' : 'history' })}
          data-testid="consent-not-now"
        >
          {current ? 'Cancel' : 'Not now'}
        </button>
      </div>
    </>
  );
}

/** The consent screen: what is shared, with whom, how to withdraw, and the person's choice of scopes. */
export function ConsentScreen() {
  const settings = useSyncSettings();
  return (
    <main data-testid="consent">
      <h1>Share with research</h1>
      <p>
        You can share your sessions with research. It is your choice: BCD works the same without it, and your
        sessions stay on this phone either way.
      </p>
      {settings.status === 'ready' ? (
        <ConsentForm current={settings.value.consent} />
      ) : (
        <p class="muted">Loading…</p>
      )}
    </main>
  );
}
