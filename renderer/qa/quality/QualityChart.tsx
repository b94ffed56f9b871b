import {
  CategoryScale,
  Chart,
  Legend,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type PointStyle,
} from 'chart.js';
import { useEffect, useRef, useState } from 'react';
import { alignedValues, bucketLabel, formatScore, type QualityBucket, type QualitySeries } from './qualitySeries';

// Only what a line chart needs, so the rest of chart.js is left out of the bundle.
Chart.register(LineController, LineElement, PointElement, LinearScale, CategoryScale, Legend, Tooltip);

/** Colour-blind-safe hues (Okabe–Ito, without black and yellow), told apart again by point shape. */
const COLOURS = ['#0072b2', '#d55e00', '#009e73', '#cc79a7', '#e69f00', '#56b4e9', '#8c6d31', '#7f7f7f'];
const SHAPES: PointStyle[] = ['circle', 'rect', 'triangle', 'rectRot', 'star', 'crossRot'];

/** A point's radius; a series with one figure draws no line, so its lone point is drawn larger. */
const POINT_RADIUS = 4;
const LONE_POINT_RADIUS = 7;

/** The app's theme (renderer/styles.css) as the canvas needs it: real colours, not variables. */
function themeOf(canvas: HTMLCanvasElement) {
  const style = getComputedStyle(canvas);
  const read = (name: string, fallback: string) => style.getPropertyValue(name).trim() || fallback;
  return {
    text: read('--text', '#1b1f24'),
    muted: read('--muted', '#5a6472'),
    grid: read('--border', '#d5d9e0'),
    font: style.fontFamily || 'system-ui, sans-serif',
  };
}

export interface QualityChartProps {
  series: readonly QualitySeries[];
  buckets: readonly string[];
  bucket: QualityBucket;
  /** What the canvas is, for a screen reader, which reads the table instead. */
  description: string;
}

/**
 * The quality score over time, one line per group, y fixed at 0–100. Drawn by chart.js on a canvas
 * it owns from mount to unmount. chart.js sizes the canvas through the CSSOM (`canvas.style.width`),
 * which the app's CSP (`style-src 'self'`) allows; it injects no style sheet. Where no canvas can be
 * drawn (no 2D context), it says so and the table below carries the figures.
 */
export function QualityChart({ series, buckets, bucket, description }: QualityChartProps) {
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const [drawable, setDrawable] = useState(true);

  useEffect(() => {
    const canvas = canvasRef.current;
    if (!canvas) return;
    let chart: Chart<'line', (number | null)[], string> | null = null;
    try {
      if (!canvas.getContext('2d')) {
        setDrawable(false);
        return;
      }
      const theme = themeOf(canvas);
      const aligned = series.map((s) => alignedValues(s, buckets));
      const reducedMotion = window.matchMedia?.('(prefers-reduced-motion: reduce)').matches ?? false;
      const config: ChartConfiguration<'line', (number | null)[], string> = {
        type: 'line',
        data: {
          labels: buckets.map((b) => bucketLabel(bucket, b)),
          datasets: series.map((s, i) => ({
            label: s.name,
            data: aligned[i]!.scores,
            borderColor: COLOURS[i % COLOURS.length],
            backgroundColor: COLOURS[i % COLOURS.length],
            pointStyle: SHAPES[i % SHAPES.length],
            pointRadius: s.points.length === 1 ? LONE_POINT_RADIUS : POINT_RADIUS,
            pointHoverRadius: (s.points.length === 1 ? LONE_POINT_RADIUS : POINT_RADIUS) + 2,
            borderWidth: 2,
            // A bucket without reviews is no figure, not a zero: the line goes across it.
            spanGaps: true,
          })),
        },
        options: {
          responsive: true,
          maintainAspectRatio: false,
          animation: reducedMotion ? false : { duration: 250 },
          interaction: { mode: 'nearest', intersect: false },
          color: theme.text,
          font: { family: theme.font },
          scales: {
            // One bucket: half a category either side, so its points stand in the middle, not on the y axis.
            x: { offset: buckets.length === 1, ticks: { color: theme.muted }, grid: { color: theme.grid } },
            y: {
              min: 0,
              max: 100,
              ticks: { color: theme.muted, stepSize: 20 },
              grid: { color: theme.grid },
              title: { display: true, text: 'Quality score', color: theme.muted },
            },
          },
          plugins: {
            legend: { position: 'bottom', labels: { color: theme.text, usePointStyle: true } },
            tooltip: {
              callbacks: {
                label: (item) => {
                  const reviews = aligned[item.datasetIndex]?.reviews[item.dataIndex] ?? 0;
                  return `${item.dataset.label ?? ''}: ${formatScore(item.parsed.y ?? 0)} (${reviews} ${reviews === 1 ? 'review' : 'reviews'})`;
                },
              },
            },
          },
        },
      };
      chart = new Chart(canvas, config);
      setDrawable(true);
    } catch {
      setDrawable(false);
    }
    return () => chart?.destroy();
  }, [series, buckets, bucket]);

  return (
    <div className={drawable ? 'quality-chart' : 'quality-chart quality-chart-off'}>
      <canvas ref={canvasRef} role="img" aria-label={description} data-testid="quality-chart" hidden={!drawable}>
        {description}
      </canvas>
      {!drawable && (
        <p className="quality-muted" data-testid="quality-chart-unavailable">
          The chart cannot be drawn here; the figures are in the table below.
        </p>
      )}
    </div>
  );
}
