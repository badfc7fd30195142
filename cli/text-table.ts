/** Left-aligned columns separated by two spaces, as kubectl prints them; the header is upper case. */
export function textTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells.map((cell, i) => (i === cells.length - 1 ? cell : cell.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(header.map((h) => h.toUpperCase())), ...rows.map(line)].join('\n') + '\n';
}
