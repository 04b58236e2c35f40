import { describe, expect, it } from 'vitest';
import { monthBars, partShares, perThousandText } from './modelCost';
import type { ModelCost } from './bindings/ModelCost';

const cost = (infra: number, people: number, vendor: number, shared: number): ModelCost => ({
  model_id: 1,
  name: 'ranker',
  initiative_id: 1,
  stage: 'production',
  infra_minor: infra,
  people_minor: people,
  vendor_minor: vendor,
  shared_minor: shared,
  total_minor: infra + people + vendor + shared,
  by_month_minor: [],
  per_1000_predictions: null,
});

describe('a model cost bar', () => {
  it('gives each part its share of the bar in the core order', () => {
    const shares = partShares(cost(300, 500, 200, 0));
    expect(shares.map((s) => s.part)).toEqual(['infra', 'people', 'vendor', 'shared']);
    expect(shares.map((s) => s.width)).toEqual([30, 50, 20, 0]);
    expect(shares.map((s) => s.minor)).toEqual([300, 500, 200, 0]);
  });

  it('draws a credit as no width but keeps its amount', () => {
    const shares = partShares(cost(100, 100, -50, 0));
    expect(shares.map((s) => s.width)).toEqual([50, 50, 0, 0]);
    expect(shares[2]?.minor).toBe(-50);
  });

  it('draws nothing for a model that cost nothing', () => {
    expect(partShares(cost(0, 0, 0, 0)).every((s) => s.width === 0)).toBe(true);
  });
});

describe('monthly bars', () => {
  it('scale to the highest month and draw no month below zero', () => {
    const bars = monthBars([100, 200, -10], ['2026-01', '2026-02', '2026-03']);
    expect(bars.map((b) => b.height)).toEqual([20, 40, 0]);
    expect(bars[2]?.minor).toBe(-10);
  });

  it('are flat when nothing was spent', () => {
    expect(monthBars([0, 0], ['2026-01', '2026-02']).map((b) => b.height)).toEqual([0, 0]);
  });
});

describe('a cost per 1,000 predictions', () => {
  it('keeps three significant digits of a fraction of a unit', () => {
    expect(perThousandText(0.037335, 'USD', 'en-US')).toBe('$0.0373');
    expect(perThousandText(1.25, 'USD', 'en-US')).toBe('$1.25');
  });
});
