/**
 * A position in a kind's schema, as the merge descends an object: which list extensions apply at the current
 * path. Absent (undefined) means "no schema here", which is how kyaml sees any kind its embedded OpenAPI document
 * does not know (CRDs, and APIs newer than that document).
 */
import { listMergeBehaviour } from './merge-key-table.js';
import type { KindInfo, ListMergeBehaviour, MergeKeyTable } from './merge-key-table.js';

export interface SchemaCursor {
  readonly info: KindInfo;
  readonly path: string;
}

/** The cursor at the root of a kind, or undefined when the table does not know the kind. */
export function rootCursor(table: MergeKeyTable, apiVersion: string, kind: string): SchemaCursor | undefined {
  const info = table.kinds[apiVersion]?.[kind];
  return info === undefined ? undefined : { info, path: '' };
}

function canonical(info: KindInfo, path: string): SchemaCursor {
  const target = info.recursions?.[path];
  return { info, path: target ?? path };
}

/** The cursor of field `key` below `cursor` (`*` stands for every key of a map whose values share a schema). */
export function fieldCursor(cursor: SchemaCursor | undefined, key: string): SchemaCursor | undefined {
  if (cursor === undefined) return undefined;
  const segment = cursor.info.maps?.includes(cursor.path) === true ? '*' : key;
  return canonical(cursor.info, cursor.path === '' ? segment : `${cursor.path}.${segment}`);
}

/** The cursor of the elements of the list at `cursor`. */
export function elementsCursor(cursor: SchemaCursor | undefined): SchemaCursor | undefined {
  return cursor === undefined ? undefined : canonical(cursor.info, `${cursor.path}[]`);
}

/** How the list at `cursor` merges; lists without a schema are replaced wholesale. */
export function listBehaviourAt(cursor: SchemaCursor | undefined): ListMergeBehaviour {
  return cursor === undefined ? { associative: false } : listMergeBehaviour(cursor.info.lists[cursor.path]);
}
