// Which live objects are known to match what the pipeline last applied, so a deploy can skip their dry-run.
import type { KubeObject } from '../kube/object.js';
import { refKey, refOf } from '../kube/object.js';
import { canonicalJson } from '../release/manifest-digest.js';
import { sha256Hex } from '../hash/sha256.js';
import { changedFields, desiredHash, holdsDesired, ownedFields, ownedFieldsHash } from './owned-fields.js';

interface Known {
  /** {@link desiredHash} of the object as last applied (or confirmed unchanged). */
  readonly desired: string;
  /** {@link ownedFieldsHash} of the live object right after. */
  readonly owned: string;
  /** The owned fields themselves, to name what moved. */
  readonly fields: Record<string, unknown>;
}

/**
 * Per environment: for each object, the desired state the field manager last applied and a hash of the fields it
 * owned in the live object right after (kapp's idea, kept in memory rather than in annotations). An object whose
 * desired state is the same and whose owned fields still hash the same needs neither a dry-run nor an apply: the
 * apiserver already holds exactly that. Anything else (a new desired state, an object not seen yet, fields changed
 * or taken over by another manager, a restarted process) is not in sync and takes the full path.
 */
export class InSyncMemo {
  private readonly known = new Map<string, Known>();
  private leftToOthers: ReadonlyMap<string, readonly string[]> = new Map();

  constructor(private readonly manager: string) {}

  /** True when applying `desired` to `live` is known to change nothing. */
  inSync(desired: KubeObject, live: KubeObject | undefined): boolean {
    if (live === undefined) return false;
    const known = this.known.get(refKey(refOf(desired)));
    return (
      known !== undefined &&
      known.desired === desiredHash(desired) &&
      known.owned === ownedFieldsHash(live, this.manager)
    );
  }

  /** Records that `live` is the result of applying `desired` (an apply's answer, or a live object a dry-run confirmed). */
  remember(desired: KubeObject, live: KubeObject): void {
    const fields = ownedFields(live, this.manager);
    const key = refKey(refOf(desired));
    if (fields === undefined) this.known.delete(key);
    else this.known.set(key, { desired: desiredHash(desired), owned: sha256Hex(canonicalJson(fields)), fields });
  }

  /**
   * The owned fields of a known object (by refKey) that a new live state changed, or `['(deleted)']` when it is
   * gone; undefined when the object is not known or nothing owned moved.
   */
  moved(key: string, live: KubeObject | undefined): string[] | undefined {
    const known = this.known.get(key);
    if (known === undefined) return undefined;
    if (live === undefined) return ['(deleted)'];
    const now = ownedFields(live, this.manager);
    if (now === undefined) return ['(every field: no longer applied by this manager)'];
    if (sha256Hex(canonicalJson(now)) === known.owned) return undefined;
    const left = this.leftToOthers.get(key) ?? [];
    const changed = changedFields(known.fields, now).filter((path) => !left.some((prefix) => isWithin(path, prefix)));
    return changed.length === 0 ? undefined : changed;
  }

  /**
   * The owned-field paths (by refKey; `spec.template.spec.containers[name=web].resources.requests.cpu`) that the
   * render leaves to someone else, such as a VPA: their values moving, or their owner changing, is not drift.
   * Replaces what an earlier render left.
   */
  leaveToOthers(paths: ReadonlyMap<string, readonly string[]>): void {
    this.leftToOthers = paths;
  }

  /**
   * Records `live` as the result of applying `desired` when the manager's fields in it hold exactly `desired`'s
   * values ({@link holdsDesired}): how a deploy finished by another process than the one that applied part of it
   * learns the objects it did not apply itself. Returns whether it did; an object it did not stays unknown (the
   * next deploy dry-runs it, and drift of it is not seen until then).
   */
  adopt(desired: KubeObject, live: KubeObject): boolean {
    if (!holdsDesired(desired, live, this.manager)) return false;
    this.remember(desired, live);
    return true;
  }

  knows(key: string): boolean {
    return this.known.has(key);
  }

  forget(key: string): void {
    this.known.delete(key);
  }

  get size(): number {
    return this.known.size;
  }
}

/** True when `path` is `prefix` or a field below it. */
function isWithin(path: string, prefix: string): boolean {
  return path === prefix || path.startsWith(`${prefix}.`) || path.startsWith(`${prefix}[`);
}
