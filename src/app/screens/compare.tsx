import { useState } from 'preact/hooks';
import type { OverallTrend } from '../../core/scoring/index.ts';
import { AngleViewer } from '../components/angle-viewer.tsx';
import { Figure } from '../components/figure.tsx';
import { LevelBadge } from '../components/level-badge.tsx';
import { Notice } from '../components/notice.tsx';
import { PhotoThumb } from '../components/photo-thumb.tsx';
import type { ImageRow, SessionRow } from '../db/schema.ts';
import { useAsync } from '../state/async.ts';
import { analysedSessions, compareStoredSessions } from '../state/compare.ts';
import { useLiveQuery } from '../state/live-query.ts';
import { navigate, routeHref } from '../state/router.ts';
import { angleName } from '../text/angles.ts';
import { formatPercent, formatScore, formatShortDateTime } from '../text/format.ts';

const TREND_WORDS: Record<OverallTrend, string> = {
  stable: 'Stable',
  mild_variation: 'Mild Variation',
  significant_shift: 'Clear Shift',
};

function SessionPicker(props: {
  label: string;
  value: string;
  sessions: SessionRow[];
  onChange: (id: string) => void;
  testId: string;
}) {
  return (
    <label>
      <span class="muted">{props.label}</span>
      <select
        value={props.value}
        data-testid={props.testId}
        onChange={(e) => props.onChange(e.currentTarget.value)}
      >
        {props.sessions.map((s) => (
          <option key={s.id} value={s.id}>
            {formatShortDateTime(s.taken_at)}
          </option>
        ))}
      </select>
    </label>
  );
}

function ComparisonView(props: { a: string; b: string; dates: ReadonlyMap<string, string> }) {
  const result = useAsync(() => compareStoredSessions(props.a, props.b), [props.a, props.b]);
  const [angle, setAngle] = useState<string>();
  if (result.status === 'loading') return <p class="muted">Comparing…</p>;
  if (result.status === 'error')
    return <Notice kind="stop">The sessions could not be compared: {String(result.error)}</Notice>;
  if (typeof result.value === 'string') return <Notice kind="hint">{result.value}</Notice>;
  const { comparison: c, imagesA, imagesB } = result.value;
  const first = (images: ImageRow[], angle: string) => images.find((i) => i.angle === angle)?.thumbnail;
  const angles = c.angle_deltas.map((d) => d.angle);
  const shown = angle && angles.includes(angle) ? angle : (angles[0] as string);
  return (
    <div data-testid="comparison">
      <div class="figures">
        <Figure
          label="Overall change"
          display={formatScore(c.overall_delta)}
          value={c.overall_delta}
          testId="overall-delta"
        >
          {TREND_WORDS[c.overall_trend]}
        </Figure>
        <Figure
          label="Stability"
          display={formatPercent(c.stability_index)}
          value={c.stability_index}
          testId="stability-index"
        >
          1 − overall change
        </Figure>
      </div>
      <AngleViewer
        key={`${props.a} ${props.b} ${shown}`}
        a={props.a}
        b={props.b}
        angle={shown}
        angles={angles}
        earlierDate={props.dates.get(props.a) ?? ''}
        onAngle={setAngle}
      />
      {c.angle_deltas.map((d) => (
        <section class="card" key={d.angle} data-testid={`compare-angle-${d.angle}`}>
          <div class="spread">
            <h3>{angleName(d.angle)}</h3>
            <LevelBadge level={d.variation_level} />
          </div>
          <div class="pair">
            <PhotoThumb blob={first(imagesA, d.angle)} alt={`${angleName(d.angle)}, earlier session`} large />
            <PhotoThumb blob={first(imagesB, d.angle)} alt={`${angleName(d.angle)}, later session`} large />
          </div>
          <p>
            Change{' '}
            <strong data-testid="angle-delta" data-value={d.delta}>
              {formatScore(d.delta)}
            </strong>
          </p>
        </section>
      ))}
      {(c.angles_only_in_a.length > 0 || c.angles_only_in_b.length > 0) && (
        <p class="muted">
          Not compared (photographed in only one session):{' '}
          {[...c.angles_only_in_a, ...c.angles_only_in_b].map(angleName).join(', ')}.
        </p>
      )}
      <p class="muted" style={{ overflowWrap: 'anywhere' }}>
        Method: {c.comparison_method} · {c.analysis_version}
      </p>
    </div>
  );
}

/** The Compare screen: any two sessions side by side, per angle. */
export function CompareScreen(props: { a?: string; b?: string }) {
  const sessions = useLiveQuery(analysedSessions, []);
  if (sessions.status !== 'ready')
    return (
      <main>
        <h1>Compare</h1>
        <p class="muted">Loading…</p>
      </main>
    );
  // Oldest first reads naturally in the pickers: "earlier" on the left, "later" on the right.
  const analysed = sessions.value;
  if (analysed.length < 2) {
    return (
      <main>
        <h1>Compare</h1>
        <div class="card">
          <p>Comparing needs at least two analysed sessions.</p>
          <a class="button primary" href={routeHref({ name: 'new' })}>
            Start a session
          </a>
        </div>
      </main>
    );
  }
  const ids = analysed.map((s) => s.id);
  const b = props.b && ids.includes(props.b) ? props.b : (ids.at(-1) as string);
  const bIndex = ids.indexOf(b);
  const a = props.a && ids.includes(props.a) ? props.a : (ids[bIndex > 0 ? bIndex - 1 : 1] as string);
  return (
    <main>
      <h1>Compare</h1>
      <div class="pair card">
        <SessionPicker
          label="Earlier"
          value={a}
          sessions={analysed}
          testId="compare-a"
          onChange={(id) => navigate({ name: 'compare', a: id, b })}
        />
        <SessionPicker
          label="Later"
          value={b}
          sessions={analysed}
          testId="compare-b"
          onChange={(id) => navigate({ name: 'compare', a, b: id })}
        />
      </div>
      {a === b ? (
        <Notice kind="hint">Pick two different sessions.</Notice>
      ) : (
        <ComparisonView a={a} b={b} dates={new Map(analysed.map((s) => [s.id, s.taken_at]))} />
      )}
    </main>
  );
}
