/**
 * What kustomize makes of a folded block scalar (`>`) in a resource. kyaml keeps the node's folded style and, on the
 * way through kustomize, writes the node with go-yaml v3's emitter and reads it back. That emitter doubles a line
 * break to keep it from being folded, but tests whether to do so on the value's first character instead of the
 * next line's (yaml_emitter_write_folded_scalar's `k` starts at 0). Read back, the value changes in two ways:
 *
 * - a value whose first character (after leading line breaks) is not a space or tab gets the extra break after each
 *   line that does not start with one; where the next line does (a "more indented" line, which YAML does not fold),
 *   or at the end of a kept (`>+`) value, that break survives: `"p\n q\n"` becomes `"p\n\n q\n"`;
 * - a value that starts with a space or tab gets no extra break anywhere, so between two lines that do not start with
 *   one a single break is folded into a space and a longer run loses one break: `"  x\np\nq\n"` → `"  x\np q\n"`.
 *
 * Only `\n` is taken as a line break here (go-yaml's reader turns CR and NEL into it).
 */
export function foldedRoundTrip(value: string): string {
  let first = 0;
  while (value[first] === '\n') first++;
  const startsBlank = first === value.length || isBlank(value[first]);
  let out = value.slice(0, first);
  let i = first;
  while (i < value.length) {
    const lineEnd = value.indexOf('\n', i);
    const end = lineEnd < 0 ? value.length : lineEnd;
    const line = value.slice(i, end);
    out += line;
    if (lineEnd < 0) break;
    let breaks = end;
    while (value[breaks] === '\n') breaks++;
    const run = breaks - end;
    const next = value[breaks];
    const lineBlank = isBlank(line[0]);
    if (startsBlank) {
      // No extra break: a break between two lines that YAML folds turns into a space, or one fewer break.
      out +=
        !lineBlank && next !== undefined && !isBlank(next)
          ? run === 1
            ? ' '
            : '\n'.repeat(run - 1)
          : '\n'.repeat(run);
    } else {
      // The extra break survives before a more indented line, and at the end of a value that keeps its breaks.
      const survives = !lineBlank && (next === undefined ? run > 1 : isBlank(next));
      out += '\n'.repeat(run + (survives ? 1 : 0));
    }
    i = breaks;
  }
  return out;
}

function isBlank(c: string | undefined): boolean {
  return c === ' ' || c === '\t';
}
