// The backend draws every chart (the same plotters code as the CLI, the slides and the report); the
// UI only asks for the right size and theme, puts the SVG on the page, and saves or copies it.

import type { ChartRequest } from '../lib/bindings/ChartRequest';
import type { ThemeName } from '../lib/bindings/ThemeName';

/** What a page asks for: the chart and its subject; size and theme are the component's business. */
export type ChartAsk = Pick<ChartRequest, 'name'> &
  Partial<
    Pick<ChartRequest, 'initiative' | 'kpi' | 'by' | 'as_of' | 'model' | 'metric' | 'since' | 'scenarios' | 'view' | 'period'>
  >;

/** The subject of a chart as the `chart` and `export_chart` commands take it, absent fields as null. */
export function chartSubject(chart: ChartAsk) {
  return {
    name: chart.name,
    initiative: chart.initiative ?? null,
    kpi: chart.kpi ?? null,
    by: chart.by ?? null,
    as_of: chart.as_of ?? null,
    model: chart.model ?? null,
    metric: chart.metric ?? null,
    since: chart.since ?? null,
    scenarios: chart.scenarios ?? null,
    view: chart.view ?? null,
    period: chart.period ?? null,
  };
}

/** The backend draws charts 320 to 4000 pixels on a side. */
const MIN_SIDE = 320;
const MAX_SIDE = 4000;
/** Below this width the chart's labels crowd; narrower boxes get a larger drawing scaled down. */
const MIN_DRAW_WIDTH = 960;
/** Exports are slide-sized: 1600 × 900 at 1×, twice that at 2×. */
export const EXPORT_SIZE = { width: 1600, height: 900 } as const;

/**
 * The size to draw at for a box `boxWidth` CSS pixels wide, keeping `aspect` (width / height), and no
 * narrower than `minWidth` (a narrow side panel asks for less, so its labels are scaled down less).
 */
export function drawSize(boxWidth: number, aspect = 16 / 9, minWidth = MIN_DRAW_WIDTH): { width: number; height: number } {
  const floor = Math.min(MAX_SIDE, Math.max(MIN_SIDE, minWidth));
  const width = Math.min(MAX_SIDE, Math.max(floor, Math.round(boxWidth)));
  const height = Math.min(MAX_SIDE, Math.max(MIN_SIDE, Math.round(width / aspect)));
  return { width, height };
}

/** The theme the app shows: the system's light or dark. */
export function currentTheme(): ThemeName {
  return typeof matchMedia === 'function' && matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light';
}

const FORBIDDEN = new Set(['script', 'foreignobject', 'iframe', 'object', 'embed', 'use', 'image', 'a']);

/**
 * Parses the backend's SVG as an SVG document and keeps only drawing: no scripts, no foreign
 * content, no event handlers, no links. The backend already escapes every name it draws; this is
 * the second fence, so the page never runs anything that arrives as a chart. Returns null when
 * the text is not an SVG document.
 */
export function safeSvg(text: string, doc: Document = document): SVGSVGElement | null {
  const parsed = new DOMParser().parseFromString(text, 'image/svg+xml');
  const root = parsed.documentElement;
  if (!root || root.nodeName.toLowerCase() !== 'svg' || parsed.getElementsByTagName('parsererror').length > 0) return null;
  const walk = (element: Element) => {
    for (const child of Array.from(element.children)) {
      if (FORBIDDEN.has(child.nodeName.toLowerCase())) child.remove();
      else walk(child);
    }
    for (const attribute of Array.from(element.attributes)) {
      const name = attribute.name.toLowerCase();
      if (name.startsWith('on') || name === 'href' || name === 'xlink:href' || name === 'style') {
        element.removeAttribute(attribute.name);
      }
    }
  };
  walk(root);
  return doc.importNode(root, true) as unknown as SVGSVGElement;
}

/** A file name from a chart's title: `Budget vs actual, 2026` → `budget-vs-actual-2026`. */
export function fileStem(title: string): string {
  const stem = title
    .toLowerCase()
    .normalize('NFKD')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return stem.slice(0, 80) || 'chart';
}

/** Bytes from standard base64, as the backend sends a PNG. */
export function fromBase64(text: string): Uint8Array<ArrayBuffer> {
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i += 1) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/** Browser mode: hands a file to the browser's downloads. */
export function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = name;
  link.rel = 'noopener';
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}
