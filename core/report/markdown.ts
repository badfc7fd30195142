// Markdown building blocks for GitHub check runs and comments. Values come from manifests and the apiserver, so
// everything is escaped: a `|` in a label must not break a table, a backtick must not end a code span.

/** A code span that holds any text: the fence is longer than any run of backticks inside. */
export function code(text: string): string {
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((match) => match[0].length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

/** A fenced code block that holds any text. */
export function codeBlock(text: string, language = ''): string {
  const longest = Math.max(0, ...[...text.matchAll(/`{3,}/g)].map((match) => match[0].length));
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `${fence}${language}\n${text}\n${fence}`;
}

/** Text safe inside a table cell: no pipes, no line breaks. */
export function cell(text: string): string {
  return text.replaceAll('\\', '\\\\').replaceAll('|', '\\|').replaceAll(/\r?\n/g, ' ');
}

/** A table from a header row and body rows (cells already formatted). */
export function table(header: readonly string[], rows: readonly (readonly string[])[], align: readonly ('left' | 'right')[] = []): string {
  const rule = header.map((_, i) => (align[i] === 'right' ? '---:' : '---'));
  return [header, rule, ...rows].map((row) => `| ${row.join(' | ')} |`).join('\n');
}

/** `text` cut to at most `max` characters (whole code points), ending in `…` when cut. */
export function truncate(text: string, max: number): string {
  const chars = Array.from(text);
  return chars.length <= max ? text : `${chars.slice(0, Math.max(0, max - 1)).join('')}…`;
}

/** A JSON value on one line, cut to `max` characters. */
export function inlineValue(value: unknown, max = 80): string {
  return truncate(JSON.stringify(value) ?? 'undefined', max);
}

/** `1.2s`, `45s`, `2m 5s`: durations as a person reads them in a report. */
export function humanDuration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)}ms`;
  if (ms < 10_000) return `${(ms / 1_000).toFixed(1)}s`;
  if (ms < 60_000) return `${Math.round(ms / 1_000)}s`;
  const minutes = Math.floor(ms / 60_000);
  const seconds = Math.round((ms % 60_000) / 1_000);
  return seconds === 0 ? `${minutes}m` : `${minutes}m ${seconds}s`;
}

/**
 * A JSON pointer as a person reads a field path: `/spec/template/spec/containers/0/image` becomes
 * `spec.template.spec.containers[0].image`, and a key holding `.` or `/` is quoted (`annotations["example.com/x"]`).
 */
export function displayPath(pointer: string): string {
  if (pointer === '') return '(whole object)';
  return pointer
    .slice(1)
    .split('/')
    .map((token) => token.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce((path, token) => {
      if (/^\d+$/.test(token)) return `${path}[${token}]`;
      if (/^[A-Za-z_$][\w$-]*$/.test(token)) return path === '' ? token : `${path}.${token}`;
      return `${path}[${JSON.stringify(token)}]`;
    }, '');
}
