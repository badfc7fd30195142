import type { ChangeSet } from '../core/diff/change-set.js';
import { displayPath, inlineValue } from '../core/report/markdown.js';
import { textTable } from './text-table.js';

/**
 * The ChangeSet as a table, one object a row (action, kind, namespace, name), each configured object followed by
 * its field changes, indented, and each generated ConfigMap or Secret by the predecessor it replaces and the
 * content that differs. Secret values arrive already masked by core/diff.
 */
export function changeTable(changeSet: ChangeSet): string {
  const rows = changeSet.entries.map((entry) => [
    entry.action,
    entry.ref.kind,
    entry.ref.namespace ?? '-',
    entry.ref.name,
  ]);
  const lines = textTable(['action', 'kind', 'namespace', 'name'], rows).trimEnd().split('\n');
  const out = [lines[0] ?? ''];
  changeSet.entries.forEach((entry, index) => {
    out.push(lines[index + 1] ?? '');
    if (entry.action === 'created' && entry.replaces)
      out.push(`    replaces ${entry.replaces.ref.name}${entry.replaces.diff.length === 0 ? ', same content' : ':'}`);
    const diff =
      entry.action === 'configured' ? entry.diff : entry.action === 'created' ? (entry.replaces?.diff ?? []) : [];
    if (diff.length > 0)
      for (const change of diff)
        out.push(
          change.kind === 'added'
            ? `    + ${displayPath(change.path)}: ${inlineValue(change.after)}`
            : change.kind === 'removed'
              ? `    - ${displayPath(change.path)}: ${inlineValue(change.before)}`
              : `    ~ ${displayPath(change.path)}: ${inlineValue(change.before)} -> ${inlineValue(change.after)}`,
        );
    if (entry.action === 'skipped') out.push(`    (${entry.reason})`);
  });
  return out.join('\n') + '\n';
}

/** True when applying would change something: anything created, configured or deleted. */
export function hasChanges(changeSet: ChangeSet): boolean {
  return changeSet.entries.some(
    (entry) => entry.action === 'created' || entry.action === 'configured' || entry.action === 'deleted',
  );
}
