/**
 * A horizontal bar chart of the key ratios (rows with a `chart` label), as a small hand-written SVG.
 * The scale is logarithmic around 1x because the ratios span 0.01x (a save next to an unlock) to 10x
 * (growth from 10k to 100k records); a dashed line marks 1x, and whiskers show each ratio's spread.
 * @module
 */
import type { Row } from './report.js';
import { formatNumber } from './report.js';

const WIDTH = 1000;
const LABEL_W = 360;
const BAR_H = 22;
const GAP = 10;
const TOP = 46;
const PLOT_W = WIDTH - LABEL_W - 250;

function esc(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** The SVG document for `rows` that carry a `chart` label and a positive value. */
export function ratioChart(rows: readonly Row[], title: string): string {
  const bars = rows.filter((r) => r.chart !== undefined && r.value > 0 && Number.isFinite(r.value));
  const height = TOP + Math.max(1, bars.length) * (BAR_H + GAP) + 40;
  const values = bars.flatMap((r) => [r.value, r.min ?? r.value, r.max ?? r.value]);
  // Decades that cover every value and 1x.
  const lo = Math.floor(Math.log10(Math.min(1, ...values)));
  const hi = Math.max(lo + 1, Math.ceil(Math.log10(Math.max(1, ...values))));
  const x = (v: number): number => LABEL_W + ((Math.log10(v) - lo) / (hi - lo)) * PLOT_W;
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    `<text x="10" y="22" font-size="15" font-weight="bold">${esc(title)}</text>`,
  ];
  const plotBottom = TOP + bars.length * (BAR_H + GAP);
  for (let d = lo; d <= hi; d++) {
    const gx = x(10 ** d);
    out.push(`<line x1="${gx.toFixed(1)}" y1="${TOP - 6}" x2="${gx.toFixed(1)}" y2="${plotBottom}" stroke="#ddd"/>`);
    const tick = d >= 0 ? String(10 ** d) : `0.${'0'.repeat(-d - 1)}1`;
    out.push(`<text x="${gx.toFixed(1)}" y="${plotBottom + 16}" text-anchor="middle" fill="#555">${tick}x</text>`);
  }
  bars.forEach((r, i) => {
    const y = TOP + i * (BAR_H + GAP);
    const x0 = x(1);
    const xv = x(r.value);
    out.push(`<text x="${LABEL_W - 8}" y="${y + BAR_H / 2 + 4}" text-anchor="end">${esc(r.chart!)}</text>`);
    out.push(`<rect x="${Math.min(x0, xv).toFixed(1)}" y="${y}" width="${Math.max(1, Math.abs(xv - x0)).toFixed(1)}" height="${BAR_H}" fill="#4c78a8" opacity="0.85"/>`);
    if (r.min !== undefined && r.max !== undefined && r.max > r.min) {
      const ym = y + BAR_H / 2;
      out.push(`<line x1="${x(r.min).toFixed(1)}" y1="${ym}" x2="${x(r.max).toFixed(1)}" y2="${ym}" stroke="#222" stroke-width="1.5"/>`);
    }
    const label = `${formatNumber(r.value)}x${r.target ? ` (target ${r.target})` : ''}`;
    // Right of the bar and of its whisker, so neither hides the number.
    const right = Math.max(x0, xv, r.max !== undefined ? x(r.max) : 0);
    out.push(`<text x="${(right + 6).toFixed(1)}" y="${y + BAR_H / 2 + 4}" fill="#222">${esc(label)}</text>`);
  });
  out.push(`<line x1="${x(1).toFixed(1)}" y1="${TOP - 10}" x2="${x(1).toFixed(1)}" y2="${plotBottom}" stroke="#c00" stroke-dasharray="4 3"/>`);
  out.push(`<text x="${LABEL_W}" y="${height - 8}" fill="#555">log scale; bars grow from 1x; whiskers: min..max of the paired runs</text>`);
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
