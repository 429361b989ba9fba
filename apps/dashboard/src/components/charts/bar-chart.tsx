/**
 * A small accessible bar chart in plain SVG (no chart library): one bar per day, stacked when
 * there are several series. The SVG is an image with a spoken summary; the same numbers are in a
 * table under a "show as table" disclosure, readable by everyone and by screen readers.
 */
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/** One series (a stacked part of each bar). */
export interface ChartSeries {
  /** Already translated. */
  name: string;
  /** Tailwind fill class, e.g. `fill-primary`. */
  fill: string;
  /** Tailwind background class for the legend swatch, e.g. `bg-primary`. */
  swatch: string;
}

/** One bar: its label (a day) and one value per series. */
export interface ChartPoint {
  label: string;
  values: number[];
}

/** Props of {@link BarChart}. */
export interface BarChartProps {
  title: string;
  series: ChartSeries[];
  points: ChartPoint[];
  /** Formats a value for the table, tooltips and summary. */
  format?: (value: number) => string;
}

const WIDTH = 600;
const HEIGHT = 160;
const PAD_TOP = 8;
const PAD_BOTTOM = 20;

/** A stacked bar chart with a text summary and a data table. */
export function BarChart({ title, series, points, format = (v) => v.toLocaleString() }: BarChartProps) {
  const { t } = useTranslation();
  const id = useId();
  const totals = points.map((p) => p.values.reduce((sum, v) => sum + v, 0));
  const max = Math.max(1, ...totals);
  const total = totals.reduce((sum, v) => sum + v, 0);
  const peakIndex = totals.indexOf(Math.max(...totals, 0));
  const summary =
    points.length === 0
      ? t('analytics.chart.empty')
      : t('analytics.chart.summary', { total: format(total), days: points.length, peak: format(totals[peakIndex] ?? 0), peakDay: points[peakIndex]?.label ?? '' });
  const slot = WIDTH / Math.max(points.length, 1);
  const barWidth = Math.max(2, slot * 0.7);
  const plotHeight = HEIGHT - PAD_TOP - PAD_BOTTOM;
  const labelEvery = Math.ceil(points.length / 8);
  return (
    <figure className="grid gap-2" aria-labelledby={`${id}-title`}>
      <figcaption id={`${id}-title`} className="text-sm font-medium">
        {title}
      </figcaption>
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={`${id}-title ${id}-desc`} className="h-40 w-full" preserveAspectRatio="none">
        <desc id={`${id}-desc`}>{summary}</desc>
        <line x1={0} x2={WIDTH} y1={HEIGHT - PAD_BOTTOM} y2={HEIGHT - PAD_BOTTOM} className="stroke-border" strokeWidth={1} />
        {points.map((point, i) => {
          let y = HEIGHT - PAD_BOTTOM;
          const x = i * slot + (slot - barWidth) / 2;
          return (
            <g key={point.label}>
              <title>{`${point.label}: ${series.map((s, k) => `${s.name} ${format(point.values[k] ?? 0)}`).join(', ')}`}</title>
              {point.values.map((value, k) => {
                const h = (value / max) * plotHeight;
                y -= h;
                return h > 0 ? <rect key={series[k]?.name ?? k} x={x} y={y} width={barWidth} height={h} className={series[k]?.fill ?? 'fill-primary'} rx={1} /> : null;
              })}
              {i % labelEvery === 0 ? (
                <text x={Math.min(Math.max(x + barWidth / 2, 16), WIDTH - 16)} y={HEIGHT - 6} textAnchor="middle" className="fill-muted-foreground" fontSize={10}>
                  {point.label.slice(5)}
                </text>
              ) : null}
            </g>
          );
        })}
      </svg>
      {series.length > 1 ? (
        <ul className="flex flex-wrap gap-3 text-xs text-muted-foreground" aria-label={t('analytics.chart.legend')}>
          {series.map((s) => (
            <li key={s.name} className="flex items-center gap-1">
              <span className={`inline-block h-3 w-3 rounded-sm ${s.swatch}`} aria-hidden="true" />
              {s.name}
            </li>
          ))}
        </ul>
      ) : null}
      <details className="text-xs">
        <summary className="cursor-pointer text-muted-foreground">{t('analytics.chart.showTable')}</summary>
        <table className="mt-2 w-full text-left">
          <caption className="sr-only">{title}</caption>
          <thead>
            <tr>
              <th scope="col">{t('analytics.chart.day')}</th>
              {series.map((s) => (
                <th key={s.name} scope="col">
                  {s.name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {points.map((point) => (
              <tr key={point.label}>
                <th scope="row" className="font-normal">
                  {point.label}
                </th>
                {point.values.map((value, k) => (
                  <td key={series[k]?.name ?? k}>{format(value)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
