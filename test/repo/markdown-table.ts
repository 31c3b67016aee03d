/** The cells of one row: `| a | b |` is ['a', 'b'] (trimmed). */
function cells(line: string): string[] {
  return line
    .trim()
    .replace(/^\|/, '')
    .replace(/\|$/, '')
    .split('|')
    .map((cell) => cell.trim());
}

/**
 * The body rows of the first Markdown table in `text` whose header cells are
 * `header` (in order); throws when there is none, so a renamed column fails
 * the test that reads it instead of checking nothing.
 */
export function markdownTable(text: string, header: string[]): string[][] {
  const lines = text.split('\n');
  const start = lines.findIndex(
    (line) => line.trim().startsWith('|') && cells(line).join('|') === header.join('|'),
  );
  if (start < 0) throw new Error(`no table with columns ${header.join(', ')}`);
  const rows: string[][] = [];
  // Skip the header and the |---| line below it.
  for (const line of lines.slice(start + 2)) {
    if (!line.trim().startsWith('|')) break;
    rows.push(cells(line));
  }
  return rows;
}
