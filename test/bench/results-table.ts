import type { Figure } from './figures';
import { judge } from './targets';

const COLUMNS = ['figure', 'unit', 'ours', 'baseline', 'ratio', 'better', 'target', 'met'] as const;

/**
 * The figures as a fixed-width table: ours beside the baseline of the same
 * run, the ratio ours/baseline, which way is better, the target and whether
 * it is met. A missed target is information, not a failure.
 */
export function formatTable(figures: readonly Figure[]): string {
  const rows = figures.map((figure) => {
    const { target, met } = judge(figure);
    return [
      figure.name,
      figure.unit,
      formatNumber(figure.value),
      formatNumber(figure.baseline),
      `${figure.ratio.toFixed(2)}x`,
      figure.better,
      target === undefined ? '' : `${target.better === 'higher' ? '>=' : '<='} ${target.ratio}x`,
      met === undefined ? '' : met ? 'yes' : 'NO',
    ];
  });
  const widths = COLUMNS.map((title, i) =>
    Math.max(title.length, ...rows.map((row) => row[i]!.length)),
  );
  // Text columns left-aligned, numbers right-aligned.
  const numeric = new Set([2, 3, 4]);
  const line = (cells: readonly string[]): string =>
    cells
      .map((cell, i) => (numeric.has(i) ? cell.padStart(widths[i]!) : cell.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(COLUMNS), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const magnitude = Math.abs(value);
  if (magnitude >= 1000) return Math.round(value).toString();
  if (magnitude >= 100) return value.toFixed(1);
  if (magnitude >= 1) return value.toFixed(2);
  return value.toFixed(3);
}
