import { escapeText } from './output';

/**
 * A plain-text table: a head, a rule, and one line per row, columns padded to their widest
 * cell. Cells are escaped first, so a newline or an escape sequence in the config cannot break
 * the layout or reach the terminal.
 */
export function table(head: string[], rows: string[][]): string {
  const cells = rows.map((row) => row.map(escapeText));
  const widths = head.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (row: string[]) => row.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...cells.map(line)].join('\n');
}
