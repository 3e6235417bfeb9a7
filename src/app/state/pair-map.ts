import { useEffect, useState } from 'preact/hooks';
import type { ChangeMap, PairChangeMap } from '../../core/scoring/index.ts';
import { DEFAULT_MODEL_ID } from '../analysis/client.ts';
import { pairMapInputs } from '../db/compare.ts';
import { SCORING_OPTIONS } from './rescore.ts';
import { analysisClient } from './services.ts';

/** The change map the Compare viewer lays over the later photo, and where it stands. */
export type ViewerMap =
  /** `stored`: the later session was measured against the earlier one; `computed`: measured for this view. */
  | { status: 'stored' | 'computed'; map: ChangeMap }
  | { status: 'computing' }
  /** `failed`: the worker failed; the other reasons as `PairChangeMap`'s. */
  | { status: 'none'; reason: 'no_raster' | 'not_lined_up' | 'failed' };

/**
 * Session `later`'s change map of `angle` against session `earlier`, computed in the preprocess worker with the
 * core's `pairChangeMap` (calibrated as the change engine calibrates `later` against its stored history).
 * @throws AnalysisError when the worker fails or `signal` aborts the call (`aborted`).
 */
export async function computePairMap(
  earlier: string,
  later: string,
  angle: string,
  signal?: AbortSignal,
): Promise<PairChangeMap> {
  const inputs = await pairMapInputs(earlier, later, DEFAULT_MODEL_ID);
  if (inputs === undefined) return { map: null, reason: 'no_raster' };
  const { reference, session, history } = inputs;
  return analysisClient().pairChangeMap(reference, session, history, angle, SCORING_OPTIONS, { signal });
}

/**
 * The viewer's change map of `angle` (later session `b` against earlier session `a`): `stored` as is when there is
 * one, else computed (`computePairMap`), the computation aborted when the pair or angle changes or the viewer goes.
 */
export function useViewerMap(a: string, b: string, angle: string, stored: ChangeMap | null): ViewerMap {
  const [state, setState] = useState<ViewerMap>(
    stored ? { status: 'stored', map: stored } : { status: 'computing' },
  );
  useEffect(() => {
    if (stored) {
      setState({ status: 'stored', map: stored });
      return;
    }
    const controller = new AbortController();
    setState({ status: 'computing' });
    computePairMap(a, b, angle, controller.signal).then(
      (found) => {
        if (controller.signal.aborted) return;
        setState(
          found.map ? { status: 'computed', map: found.map } : { status: 'none', reason: found.reason },
        );
      },
      () => {
        if (!controller.signal.aborted) setState({ status: 'none', reason: 'failed' });
      },
    );
    return () => controller.abort();
  }, [a, b, angle, stored]);
  return state;
}
