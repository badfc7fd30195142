import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { REPO_ROOT } from '../test/platform/paths.js';
import { join } from 'node:path';

const FILE = join(REPO_ROOT, 'BENCHMARKS.md');

/**
 * Replaces (or appends) the `## <title>` section of BENCHMARKS.md with `body`, so each benchmark rewrites only
 * its own figures and every section keeps the command that produced it.
 */
export function replaceSection(title: string, body: string): void {
  const text = existsSync(FILE) ? readFileSync(FILE, 'utf8') : '# Benchmarks\n\nEvery figure here was written by the command shown with it.\n';
  const heading = `## ${title}`;
  const start = text.indexOf(heading);
  const section = `${heading}\n\n${body.trim()}\n`;
  if (start < 0) {
    writeFileSync(FILE, `${text.trimEnd()}\n\n${section}`);
    return;
  }
  const next = text.indexOf('\n## ', start + heading.length);
  const end = next < 0 ? text.length : next + 1;
  writeFileSync(FILE, `${text.slice(0, start)}${section}${next < 0 ? '' : '\n'}${text.slice(end)}`);
}
