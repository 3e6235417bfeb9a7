import { useEffect, useRef } from 'preact/hooks';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';

/** One session's scores on the chart. */
export interface ScorePoint {
  /** ISO date of the session. */
  at: string;
  structural: number;
  /** Null for a session with no earlier photo of its angles. */
  angle: number | null;
}

const HEIGHT = 220;

function chartOptions(width: number): uPlot.Options {
  return {
    width,
    height: HEIGHT,
    // Values under the cursor are left out of the legend: on a phone there is no hover, only "—".
    legend: { live: false },
    scales: { y: { range: (_u, _min, max) => [0, Math.max(0.25, Math.ceil(max * 10) / 10)] } },
    axes: [{}, { values: (_u, ticks) => ticks.map((t) => t.toFixed(2)), size: 44 }],
    series: [
      { label: 'Date', value: (_u, v) => (v === null ? '—' : new Date(v * 1000).toLocaleDateString()) },
      {
        label: 'Structural change',
        stroke: '#2f5d62',
        width: 2,
        points: { size: 7 },
        value: (_u, v) => (v === null ? '—' : v.toFixed(3)),
      },
      {
        label: 'Angle change',
        stroke: '#c08a3e',
        width: 2,
        dash: [6, 4],
        spanGaps: true,
        points: { size: 7 },
        value: (_u, v) => (v === null ? '—' : v.toFixed(3)),
      },
    ],
  };
}

/** Structural and angle change of each session over time (uPlot), sized to its container. */
export function ScoreChart(props: { points: ScorePoint[] }) {
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const el = box.current;
    if (!el) return;
    const sorted = [...props.points].sort((a, b) => (a.at < b.at ? -1 : 1));
    const data: uPlot.AlignedData = [
      sorted.map((p) => Date.parse(p.at) / 1000),
      sorted.map((p) => p.structural),
      sorted.map((p) => p.angle),
    ];
    const chart = new uPlot(chartOptions(el.clientWidth), data, el);
    const resize = new ResizeObserver(() => chart.setSize({ width: el.clientWidth, height: HEIGHT }));
    resize.observe(el);
    return () => {
      resize.disconnect();
      chart.destroy();
    };
  }, [props.points]);
  return (
    <div
      ref={box}
      class="chart"
      data-testid="score-chart"
      role="img"
      aria-label="Chart of structural and angle change over time"
    />
  );
}
