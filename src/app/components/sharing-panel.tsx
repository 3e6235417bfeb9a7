import { useState } from 'preact/hooks';
import { routeHref } from '../state/router.ts';
import { syncEngine, useSessionSyncRows, useSyncSettings, useSyncStatus } from '../state/sync.ts';
import type { Consent, Enrolment, Withdrawal } from '../sync/state.ts';
import { WITHDRAW_EFFECT, scopeLabel } from '../text/consent.ts';
import { formatDateTime } from '../text/format.ts';
import { deletedCounts, engineStatusText } from '../text/sync.ts';
import { Notice } from './notice.tsx';

function WithdrawalNote(props: { withdrawal: Withdrawal }) {
  const { withdrawal } = props;
  if (!withdrawal.participant) {
    return (
      <Notice testId="withdrawal">
        Sharing stopped on {formatDateTime(withdrawal.requested_at)}. Nothing had been sent.
      </Notice>
    );
  }
  if (!withdrawal.result) {
    return (
      <Notice kind="hint" testId="withdrawal">
        Sharing stopped on {formatDateTime(withdrawal.requested_at)}. The server could not be reached yet to
        delete what was shared; BCD asks it again whenever it is online, and shows what was deleted here.
      </Notice>
    );
  }
  return (
    <Notice testId="withdrawal">
      <p>
        Withdrawn on {formatDateTime(withdrawal.result.withdrawn_at)}. The server deleted everything this
        phone had shared:
      </p>
      <ul
        class="counts"
        data-testid="withdrawal-counts"
        data-counts={JSON.stringify(withdrawal.result.deleted)}
      >
        {deletedCounts(withdrawal.result.deleted).map((line) => (
          <li key={line}>{line}</li>
        ))}
      </ul>
    </Notice>
  );
}

function WithdrawButton() {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking) {
    return (
      <button type="button" class="quiet" onClick={() => setAsking(true)} data-testid="withdraw">
        Withdraw and delete shared data
      </button>
    );
  }
  return (
    <Notice kind="hint">
      <p>
        Stop sharing and ask the server to delete every session, photo, vector, log and note this phone sent?
        Your sessions stay on this phone.
      </p>
      <div class="row">
        <button
          type="button"
          class="primary"
          disabled={busy}
          data-testid="confirm-withdraw"
          onClick={() => {
            setBusy(true);
            void syncEngine()
              .withdraw()
              .finally(() => setBusy(false));
          }}
        >
          {busy ? 'Withdrawing…' : 'Withdraw and delete'}
        </button>
        <button type="button" disabled={busy} onClick={() => setAsking(false)}>
          Keep sharing
        </button>
      </div>
    </Notice>
  );
}

function Sharing(props: { consent: Consent; enrolment: Enrolment | null }) {
  const { consent, enrolment } = props;
  const status = useSyncStatus();
  const syncRows = useSessionSyncRows();
  const rows = syncRows ? [...syncRows.values()] : [];
  const synced = rows.filter((r) => r.synced_at !== null).length;
  return (
    <>
      <p data-testid="sharing-state">
        Sharing since {formatDateTime(consent.given_at)}:{' '}
        {consent.scopes.map(scopeLabel).join(', ').toLowerCase()}.
      </p>
      <dl class="facts">
        <dt>Sessions</dt>
        {syncRows ? (
          <dd data-testid="sync-counts" data-synced={synced} data-queued={rows.length}>
            {synced} of {rows.length} synced
          </dd>
        ) : (
          <dd data-testid="sync-counts">…</dd>
        )}
        <dt>Sync</dt>
        <dd data-testid="sync-engine" data-state={status.state}>
          {engineStatusText(status)}
        </dd>
        <dt>Your code</dt>
        <dd data-testid="participant" data-participant={enrolment?.participant_id ?? ''}>
          {enrolment ? enrolment.participant_id : 'given by the server on the first sync'}
        </dd>
        <dt>Consent text</dt>
        <dd>version {consent.version}</dd>
      </dl>
      <div class="row" style={{ marginTop: '0.6rem' }}>
        <a class="button" href={routeHref({ name: 'consent' })} data-testid="change-consent">
          Change what is shared
        </a>
        {status.state === 'paused' || status.state === 'no_server' ? (
          <button type="button" class="quiet" onClick={() => syncEngine().kick()} data-testid="sync-now">
            Try now
          </button>
        ) : null}
      </div>
      <p class="muted">{WITHDRAW_EFFECT}</p>
      <WithdrawButton />
    </>
  );
}

/** Settings' sharing section: the consent and the sync engine's state, or the way to consent, and withdrawal. */
export function SharingPanel() {
  const settings = useSyncSettings();
  if (settings.status !== 'ready') return null;
  const { consent, enrolment, withdrawal } = settings.value;
  return (
    <section class="card" data-testid="sharing">
      <h2 class="card-title">Share with research</h2>
      {consent ? (
        <Sharing consent={consent} enrolment={enrolment} />
      ) : (
        <>
          {withdrawal && <WithdrawalNote withdrawal={withdrawal} />}
          <p data-testid="sharing-state">Not sharing: nothing leaves this phone.</p>
          <a class="button primary" href={routeHref({ name: 'consent' })} data-testid="open-consent">
            Read about sharing
          </a>
        </>
      )}
    </section>
  );
}
