import { cleanup, render, screen } from '@testing-library/react';
import type * as ChartJs from 'chart.js';
import type { ChartConfiguration } from 'chart.js';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { QualityChart } from './QualityChart';
import type { QualitySeries } from './qualitySeries';

/** chart.js itself needs a real 2D canvas; here it is replaced by a recorder of what it was asked to draw. */
const charts = vi.hoisted(() => ({
  made: [] as { config: ChartConfiguration<'line'>; destroyed: boolean }[],
  failNext: false,
}));
vi.mock('chart.js', async (importOriginal) => {
  const real = await importOriginal<typeof ChartJs>();
  class Chart {
    static register = vi.fn();
    private entry: { config: ChartConfiguration<'line'>; destroyed: boolean };
    constructor(_canvas: HTMLCanvasElement, config: ChartConfiguration<'line'>) {
      if (charts.failNext) {
        charts.failNext = false;
        throw new Error('no canvas today');
      }
      this.entry = { config, destroyed: false };
      charts.made.push(this.entry);
    }
    destroy() {
      this.entry.destroyed = true;
    }
  }
  return { ...real, Chart };
});

const W1 = '2026-03-02T00:00:00.000Z';
const W2 = '2026-03-09T00:00:00.000Z';
const SERIES: QualitySeries[] = [
  {
    key: 'agent-ann',
    name: 'Ann Agent',
    reviews: 4,
    points: [
      { bucketStart: W1, score: 80, reviews: 3 },
      { bucketStart: W2, score: 90.25, reviews: 1 },
    ],
  },
  { key: 'agent-bo', name: 'Bo Agent', reviews: 2, points: [{ bucketStart: W2, score: 60, reviews: 2 }] },
];
const BUCKETS = [W1, W2];

describe('Quality chart', () => {
  afterEach(() => {
    cleanup();
    charts.made.length = 0;
    vi.restoreAllMocks();
  });

  it('draws one line per group over the buckets on a fixed 0–100 axis, and is destroyed on unmount', () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    const view = render(<QualityChart series={SERIES} buckets={BUCKETS} bucket="week" description="Line chart" />);
    expect(charts.made).toHaveLength(1);
    const { config } = charts.made[0]!;
    expect(config.type).toBe('line');
    expect(config.data.labels).toEqual(['2 Mar 2026', '9 Mar 2026']);
    expect(config.data.datasets.map((d) => [d.label, d.data])).toEqual([
      ['Ann Agent', [80, 90.25]],
      ['Bo Agent', [null, 60]],
    ]);
    const y = config.options!.scales!.y!;
    expect([y.min, y.max]).toEqual([0, 100]);
    // Several buckets: the first and last on the axes' edges, as a line chart has them.
    expect(config.options!.scales!.x!.offset).toBe(false);
    // Bo's one figure draws no line: its lone point is larger.
    expect(config.data.datasets.map((d) => [d.pointRadius, d.pointHoverRadius])).toEqual([
      [4, 6],
      [7, 9],
    ]);
    const canvas = screen.getByTestId('quality-chart');
    expect(canvas.hidden).toBe(false);
    expect(canvas.getAttribute('role')).toBe('img');
    expect(canvas.getAttribute('aria-label')).toBe('Line chart');

    // New figures replace the chart; leaving destroys it.
    view.rerender(
      <QualityChart series={SERIES.slice(0, 1)} buckets={BUCKETS} bucket="week" description="Line chart" />,
    );
    expect(charts.made).toHaveLength(2);
    expect(charts.made[0]!.destroyed).toBe(true);
    view.unmount();
    expect(charts.made[1]!.destroyed).toBe(true);
  });

  it('puts a single bucket in the middle of the x axis with its points drawn large', () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    const single: QualitySeries[] = [
      { key: 'team-social', name: 'Social care', reviews: 3, points: [{ bucketStart: W1, score: 76.5, reviews: 3 }] },
      { key: 'team-voice', name: 'Voice', reviews: 1, points: [{ bucketStart: W1, score: 50, reviews: 1 }] },
    ];
    render(<QualityChart series={single} buckets={[W1]} bucket="week" description="Line chart" />);
    const { config } = charts.made[0]!;
    expect(config.data.labels).toEqual(['2 Mar 2026']);
    expect(config.data.datasets.map((d) => [d.label, d.data, d.pointRadius])).toEqual([
      ['Social care', [76.5], 7],
      ['Voice', [50], 7],
    ]);
    // offset: half a category either side of the one label, so the points are not in the corner.
    expect(config.options!.scales!.x!.offset).toBe(true);
    expect([config.options!.scales!.y!.min, config.options!.scales!.y!.max]).toEqual([0, 100]);
  });

  it('says the chart cannot be drawn, without throwing, when there is no 2D canvas or chart.js fails', () => {
    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue(null);
    const first = render(<QualityChart series={SERIES} buckets={BUCKETS} bucket="week" description="Line chart" />);
    expect(charts.made).toHaveLength(0);
    expect(screen.getByTestId('quality-chart-unavailable').textContent).toContain('the figures are in the table below');
    expect(screen.getByTestId('quality-chart').hidden).toBe(true);
    first.unmount();

    vi.spyOn(HTMLCanvasElement.prototype, 'getContext').mockReturnValue({} as CanvasRenderingContext2D);
    charts.failNext = true;
    render(<QualityChart series={SERIES} buckets={BUCKETS} bucket="week" description="Line chart" />);
    expect(screen.getByTestId('quality-chart-unavailable')).toBeTruthy();
  });
});
