// What a field manager owns of a live object, as a value: the object cut down to the fields its managedFields entry
// lists (fieldsV1), so a hash of it changes exactly when one of those values, or the set of them, changes.
import { sha256Hex } from '../hash/sha256.js';
import type { KubeObject } from '../kube/object.js';
import { canonicalJson } from '../release/manifest-digest.js';

interface ManagedFieldsEntry {
  readonly manager?: string;
  readonly operation?: string;
  readonly subresource?: string;
  readonly time?: string;
  readonly fieldsV1?: FieldSet;
}

type FieldSet = { readonly [key: string]: FieldSet };

/** The managedFields entries of an object (none when it has none or they are malformed). */
export function managedFieldsOf(obj: KubeObject): readonly ManagedFieldsEntry[] {
  const entries = obj.metadata['managedFields'];
  return Array.isArray(entries) ? (entries as ManagedFieldsEntry[]) : [];
}

/**
 * `sha256` of the values `manager` owns in `live` through server-side apply (its `Apply` entry on the main
 * resource), with the field set itself; undefined when the manager applies nothing to it.
 */
export function ownedFieldsHash(live: KubeObject, manager: string): string | undefined {
  const owned = ownedFields(live, manager);
  return owned === undefined ? undefined : sha256Hex(canonicalJson(owned));
}

/** The {@link project}ion of `live` onto what `manager` applied to it; undefined when it applied nothing. */
export function ownedFields(live: KubeObject, manager: string): Record<string, unknown> | undefined {
  const entry = applyEntry(live, manager);
  return entry?.fieldsV1 === undefined ? undefined : project(live, entry.fieldsV1);
}

/**
 * True when the fields `manager` applied to `live` hold exactly the values `desired` gives them (both cut down to
 * that field set): `live` is what applying `desired` left, as far as the manager's fields go. False when it applies
 * nothing there, or when a value differs (including one the apiserver only normalized or defaulted: conservative).
 */
export function holdsDesired(desired: KubeObject, live: KubeObject, manager: string): boolean {
  const entry = applyEntry(live, manager);
  if (entry?.fieldsV1 === undefined) return false;
  return canonicalJson(project(live, entry.fieldsV1)) === canonicalJson(project(desired, entry.fieldsV1));
}

function applyEntry(live: KubeObject, manager: string): ManagedFieldsEntry | undefined {
  return managedFieldsOf(live).find((e) => e.manager === manager && e.operation === 'Apply' && (e.subresource ?? '') === '');
}

/**
 * The fields whose owned value differs between two projections (or that one of them no longer owns), as readable
 * paths: `spec.replicas`, `spec.template.spec.containers[name=api].image`.
 */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>, at = ''): string[] {
  const changed: string[] = [];
  for (const key of new Set([...Object.keys(before), ...Object.keys(after)])) {
    if (key === '.') continue;
    // A side that no longer owns a subtree (another manager took its fields over) counts as owning none of it.
    const a = before[key] ?? (isNested(after[key]) ? {} : undefined);
    const b = after[key] ?? (isNested(before[key]) ? {} : undefined);
    const path = joinPath(at, key);
    if (isRecord(a) && isRecord(b) && (isNested(a) || isNested(b)) && !isLeafValue(a) && !isLeafValue(b))
      changed.push(...changedFields(a, b, path));
    else if (canonicalJson(a) !== canonicalJson(b)) changed.push(path);
  }
  return changed;
}

function joinPath(at: string, key: string): string {
  const rest = key.slice(2);
  if (key.startsWith('f:')) return at === '' ? rest : `${at}.${rest}`;
  if (key.startsWith('k:')) {
    const keys = Object.entries(JSON.parse(rest) as Record<string, unknown>).map(([k, v]) => `${k}=${String(v)}`);
    return `${at}[${keys.join(',')}]`;
  }
  return `${at}[${rest}]`;
}

/** A nested projection (its keys are fieldsV1 keys), as opposed to an owned leaf value that happens to be an object. */
function isLeafValue(value: Record<string, unknown>): boolean {
  return Object.keys(value).length > 0 && !isNested(value);
}

function isNested(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && Object.keys(value).length > 0 && Object.keys(value).every((key) => key === '.' || /^[fkvi]:/.test(key));
}

/** `sha256` of a desired object as it is applied: equal hashes apply the same thing. */
export function desiredHash(desired: KubeObject): string {
  return sha256Hex(canonicalJson(desired));
}

/**
 * The manager that wrote `obj` last (newest managedFields time on the main resource; on a tie, one other than
 * `self`): who made the change a watch just reported. Undefined when no entry has a time.
 */
export function latestWriter(obj: KubeObject, self: string): string | undefined {
  let latest: ManagedFieldsEntry | undefined;
  for (const entry of managedFieldsOf(obj)) {
    if (entry.manager === undefined || entry.time === undefined || (entry.subresource ?? '') !== '') continue;
    const newer = latest?.time === undefined || entry.time > latest.time;
    const tieWonByOther = latest?.time === entry.time && latest.manager === self && entry.manager !== self;
    if (newer || tieWonByOther) latest = entry;
  }
  return latest?.manager;
}

/**
 * The managers other than `self` that own one of `fields` (readable paths, as {@link changedFields} names them) in
 * `obj`, joined with `, `: who made the change a watch just reported, since a write takes ownership of the fields
 * it changed. Falls back to {@link latestWriter} when no other manager owns them (a field removed, not set).
 */
export function writerOf(obj: KubeObject, fields: readonly string[], self: string): string | undefined {
  const wanted = new Set(fields);
  const owners = managedFieldsOf(obj)
    .filter((entry) => entry.manager !== undefined && entry.manager !== self && entry.fieldsV1 !== undefined)
    .filter((entry) => fieldPaths(entry.fieldsV1 as FieldSet).some((path) => wanted.has(path)))
    .map((entry) => entry.manager as string);
  return owners.length > 0 ? [...new Set(owners)].join(', ') : latestWriter(obj, self);
}

/** Every field a fieldsV1 set names, as readable paths. */
function fieldPaths(fields: FieldSet, at = ''): string[] {
  return Object.entries(fields).flatMap(([key, sub]) => {
    if (key === '.') return [];
    const path = joinPath(at, key);
    return [path, ...fieldPaths(sub, path)];
  });
}

/**
 * `value` cut down to the fields of a fieldsV1 set. Keys follow the apiserver's encoding: `f:<name>` a field,
 * `k:<json>` a list item by its key fields, `v:<json>` a set item by value, `i:<n>` a list item by index, `.` the
 * node itself. An empty set owns the whole value below it; `.` alone owns only the node's existence.
 */
export function project(value: unknown, fields: FieldSet): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, sub] of Object.entries(fields)) {
    if (key === '.') {
      out[key] = value !== undefined && value !== null;
      continue;
    }
    const child = childOf(value, key);
    out[key] = Object.keys(sub).length === 0 ? (child ?? null) : project(child, sub);
  }
  return out;
}

function childOf(value: unknown, key: string): unknown {
  const kind = key.slice(0, 2);
  const rest = key.slice(2);
  if (kind === 'f:') return isRecord(value) ? value[rest] : undefined;
  if (!Array.isArray(value)) return undefined;
  if (kind === 'i:') return value[Number(rest)];
  const wanted: unknown = JSON.parse(rest);
  if (kind === 'v:') return value.some((item) => canonicalJson(item) === canonicalJson(wanted)) ? wanted : undefined;
  if (kind === 'k:' && isRecord(wanted))
    return value.find(
      (item) => isRecord(item) && Object.entries(wanted).every(([k, v]) => canonicalJson(item[k]) === canonicalJson(v)),
    );
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
