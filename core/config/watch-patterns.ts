/**
 * Whether a changed file triggers the app's rebuild, given app.yaml's `build.watch` patterns.
 *
 * `path` is relative to the app directory (`src/server.js`). Patterns are read in order, gitignore-style: a
 * pattern includes what it matches, a `!pattern` excludes it again, and the last matching pattern wins. `*` matches
 * within one path segment, `**` across segments, `?` one character; a pattern without wildcards also matches
 * everything below it (`src` is `src/**` too), and `.` matches everything.
 */
export function isWatchedPath(watch: readonly string[], path: string): boolean {
  let watched = false;
  for (const pattern of watch) {
    const negated = pattern.startsWith('!');
    if (globToRegExp(negated ? pattern.slice(1) : pattern).test(path)) watched = !negated;
  }
  return watched;
}

/** The regular expression for one watch pattern (without its `!`); see {@link isWatchedPath}. */
export function globToRegExp(pattern: string): RegExp {
  const source = pattern.replace(/^(?:\.\/)+/, '');
  if (source === '.' || source === '**') return /^.*$/;
  let body = '';
  for (let i = 0; i < source.length; i++) {
    const char = source[i] as string;
    if (char === '*' && source[i + 1] === '*') {
      // `**/` matches zero or more whole directories; a trailing `**` matches anything below.
      if (source[i + 2] === '/') {
        body += '(?:.*/)?';
        i += 2;
      } else {
        body += '.*';
        i += 1;
      }
    } else if (char === '*') body += '[^/]*';
    else if (char === '?') body += '[^/]';
    else body += char.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${body}(?:/.*)?$`);
}
