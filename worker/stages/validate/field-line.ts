// Where a field is in a YAML file, so a check run annotation points at the line to edit rather than the file's top.
import { isCollection, isPair, LineCounter, parseDocument } from 'yaml';

/**
 * The 1-based line of `field` (`canary.steps[1].weight`, `["odd key"].x`) in the YAML `text`; for a field the file
 * lacks, the line of its nearest present parent; 1 for the file as a whole or text that does not parse.
 */
export function fieldLine(text: string, field: string): number {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines });
  const path = fieldPath(field);
  for (let depth = path.length; depth > 0; depth--) {
    const parent = depth === 1 ? doc.contents : doc.getIn(path.slice(0, depth - 1), true);
    if (!isCollection(parent)) continue;
    // The key's line, not the value's: a mapping value starts on the line after its key.
    const items: unknown[] = parent.items;
    const item = items.find((candidate, index) =>
      isPair(candidate) ? keyOf(candidate.key) === String(path[depth - 1]) : index === path[depth - 1],
    );
    const node = isPair(item) ? item.key : item;
    const offset = (node as { range?: [number, number, number] } | undefined)?.range?.[0];
    if (offset !== undefined) return lines.linePos(offset).line;
  }
  return 1;
}

function keyOf(key: unknown): string {
  return key !== null && typeof key === 'object' && 'value' in key ? String(key.value) : String(key);
}

/** `a.b[1]["c d"]` → `['a', 'b', 1, 'c d']`. */
function fieldPath(field: string): (string | number)[] {
  const path: (string | number)[] = [];
  for (const match of field.matchAll(/([^.[\]"]+)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/g)) {
    if (match[1] !== undefined) path.push(match[1]);
    else if (match[2] !== undefined) path.push(Number(match[2]));
    else if (match[3] !== undefined) path.push(JSON.parse(match[3]) as string);
  }
  return path;
}
