// Small charts as inline SVG (no chart library): a line over time with the target and alert lines,
// bars by category, and grouped bars for money. Each chart scales to its card's width.

// Card-sized charts draw in a 360-unit-wide box (text stays readable when a card is ~360 px wide);
// full-width charts in a 900-unit box.
const WIDTH_CARD = 360;
const WIDTH_WIDE = 900;
const HEIGHT = 150;
const PAD = { left: 52, right: 8, top: 14, bottom: 22 };

export interface LinePoint {
  readonly x: number;
  readonly y: number | null;
}

export interface Guide {
  readonly value: number;
  readonly kind: 'target' | 'alert';
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const magnitude = 10 ** Math.floor(Math.log10(v));
  for (const step of [1, 2, 2.5, 5, 10]) if (v <= step * magnitude) return step * magnitude;
  return 10 * magnitude;
}

/** A line chart; gaps where `y` is null. `yMax` fixes the scale (1 for ratios). */
export function LineChart(props: {
  points: readonly LinePoint[];
  yMax?: number;
  format: (v: number) => string;
  xLabel: (x: number) => string;
  guides?: readonly Guide[];
  testId?: string;
  label: string;
  wide?: boolean;
}) {
  const { points, format, xLabel, guides = [] } = props;
  const WIDTH = props.wide ? WIDTH_WIDE : WIDTH_CARD;
  const values = points.flatMap((p) => (p.y === null ? [] : [p.y]));
  const yMax = props.yMax ?? niceMax(Math.max(...values, ...guides.map((g) => g.value), 0) * 1.1);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const xOf = (i: number) => PAD.left + (points.length <= 1 ? innerW / 2 : (i / (points.length - 1)) * innerW);
  const yOf = (v: number) => PAD.top + innerH - (Math.min(v, yMax) / yMax) * innerH;
  const segments = lineSegments(points, xOf, yOf);
  const first = points[0];
  const last = points[points.length - 1];
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label} data-testid={props.testId}>
      <line class="axis" x1={PAD.left} y1={PAD.top + innerH} x2={WIDTH - PAD.right} y2={PAD.top + innerH} />
      <line class="grid" x1={PAD.left} y1={PAD.top} x2={WIDTH - PAD.right} y2={PAD.top} />
      <text class="tick" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
        {format(yMax)}
      </text>
      <text class="tick" x={PAD.left - 6} y={PAD.top + innerH} text-anchor="end">
        {format(0)}
      </text>
      {guides.map((g) => (
        <GuideLine key={`${g.kind}-${g.value}`} g={g} width={WIDTH} y={yOf(g.value)} format={format} />
      ))}
      {segments.map((s) => (
        <polyline key={s} class="series" points={s} />
      ))}
      {points.map((p, i) =>
        p.y === null ? null : <circle key={p.x} class="dot" cx={xOf(i)} cy={yOf(p.y)} r={points.length > 60 ? 1.5 : 2.5} />,
      )}
      {first && (
        <text class="tick" x={PAD.left} y={HEIGHT - 6}>
          {xLabel(first.x)}
        </text>
      )}
      {last && last !== first && (
        <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">
          {xLabel(last.x)}
        </text>
      )}
      {values.length === 0 && (
        <text class="empty" x={WIDTH / 2} y={HEIGHT / 2} text-anchor="middle">
          —
        </text>
      )}
    </svg>
  );
}

/** The polylines of a series: a missing value (null) breaks the line. */
function lineSegments(points: readonly LinePoint[], xOf: (i: number) => number, yOf: (v: number) => number): string[] {
  const segments: string[] = [];
  let current: string[] = [];
  points.forEach((p, i) => {
    if (p.y === null) {
      if (current.length > 0) segments.push(current.join(' '));
      current = [];
    } else current.push(`${xOf(i).toFixed(1)},${yOf(p.y).toFixed(1)}`);
  });
  if (current.length > 0) segments.push(current.join(' '));
  return segments;
}

/** A target or alert level across the chart, with its value at the right edge. */
function GuideLine({ g, width, y, format }: { g: Guide; width: number; y: number; format: (v: number) => string }) {
  return (
    <g>
      <line class={`guide ${g.kind}`} x1={PAD.left} y1={y} x2={width - PAD.right} y2={y} />
      <text class={`tick ${g.kind}`} x={width - PAD.right} y={g.kind === 'alert' ? y + 11 : y - 3} text-anchor="end">
        {format(g.value)}
      </text>
    </g>
  );
}

export interface Bar {
  readonly key: string;
  readonly label: string;
  readonly value: number | null;
  readonly title?: string;
}

/** Vertical bars, one per category (24 hours of the day, regions, tiers). */
export function BarChart(props: {
  bars: readonly Bar[];
  yMax?: number;
  format: (v: number) => string;
  label: string;
  testId?: string;
  wide?: boolean;
}) {
  const { bars, format } = props;
  const WIDTH = props.wide ? WIDTH_WIDE : WIDTH_CARD;
  const values = bars.flatMap((b) => (b.value === null ? [] : [b.value]));
  const yMax = props.yMax ?? niceMax(Math.max(...values, 0) * 1.1);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(bars.length, 1);
  const labelEvery = bars.length > 12 ? 3 : 1;
  return (
    <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label} data-testid={props.testId}>
      <line class="axis" x1={PAD.left} y1={PAD.top + innerH} x2={WIDTH - PAD.right} y2={PAD.top + innerH} />
      <text class="tick" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
        {format(yMax)}
      </text>
      {bars.map((b, i) => {
        const h = b.value === null ? 0 : (Math.min(b.value, yMax) / yMax) * innerH;
        const x = PAD.left + i * slot + slot * 0.15;
        return (
          <g key={b.key}>
            <rect class={b.value === null ? 'bar empty' : 'bar'} x={x} y={PAD.top + innerH - h} width={slot * 0.7} height={Math.max(h, 0)}>
              <title>{b.title ?? `${b.label}: ${b.value === null ? '—' : format(b.value)}`}</title>
            </rect>
            {i % labelEvery === 0 && (
              <text class="tick" x={x + slot * 0.35} y={HEIGHT - 6} text-anchor="middle">
                {b.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

export interface Group {
  readonly x: number;
  readonly values: readonly number[];
}

/** Grouped bars over time (deposits, withdrawals, revenue per hour or day). */
export function GroupedBars(props: {
  groups: readonly Group[];
  names: readonly string[];
  format: (v: number) => string;
  xLabel: (x: number) => string;
  label: string;
  testId?: string;
}) {
  const { groups, names, format } = props;
  const WIDTH = WIDTH_WIDE;
  const yMax = niceMax(Math.max(0, ...groups.flatMap((g) => g.values)) * 1.1);
  const innerW = WIDTH - PAD.left - PAD.right;
  const innerH = HEIGHT - PAD.top - PAD.bottom;
  const slot = innerW / Math.max(groups.length, 1);
  const barW = (slot * 0.8) / Math.max(names.length, 1);
  const first = groups[0];
  const last = groups[groups.length - 1];
  return (
    <figure class="chart-figure">
      <svg class="chart" viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-label={props.label} data-testid={props.testId}>
        <line class="axis" x1={PAD.left} y1={PAD.top + innerH} x2={WIDTH - PAD.right} y2={PAD.top + innerH} />
        <text class="tick" x={PAD.left - 6} y={PAD.top + 4} text-anchor="end">
          {format(yMax)}
        </text>
        {groups.map((g, i) =>
          g.values.map((v, k) => {
            const h = (Math.max(v, 0) / yMax) * innerH;
            return (
              <rect
                key={`${g.x}-${names[k]}`}
                class={`bar s${k}`}
                x={PAD.left + i * slot + slot * 0.1 + k * barW}
                y={PAD.top + innerH - h}
                width={barW}
                height={h}
              >
                <title>{`${props.xLabel(g.x)} ${names[k]}: ${format(v)}`}</title>
              </rect>
            );
          }),
        )}
        {first && (
          <text class="tick" x={PAD.left} y={HEIGHT - 6}>
            {props.xLabel(first.x)}
          </text>
        )}
        {last && last !== first && (
          <text class="tick" x={WIDTH - PAD.right} y={HEIGHT - 6} text-anchor="end">
            {props.xLabel(last.x)}
          </text>
        )}
      </svg>
      <figcaption class="legend">
        {names.map((n, k) => (
          <span key={n}>
            <i class={`swatch s${k}`} /> {n}
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
