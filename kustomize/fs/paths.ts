import { posix } from 'node:path';

/**
 * Normalizes a root-relative POSIX path: no leading `./` or `/`, no `.` or `..` segments, `''` for the root.
 * Returns `undefined` when the path climbs above the root (`../x`, `a/../../x`).
 */
export function normalizeRelative(path: string): string | undefined {
  const joined = posix.normalize(path.replace(/\\/g, '/'));
  const trimmed = joined.replace(/^\/+/, '').replace(/\/+$/, '');
  if (trimmed === '.' || trimmed === '') return '';
  if (trimmed === '..' || trimmed.startsWith('../')) return undefined;
  return trimmed;
}

/** Joins a root-relative directory and a relative path; `undefined` when the result leaves the root. */
export function joinRelative(dir: string, path: string): string | undefined {
  if (path.startsWith('/')) return undefined;
  return normalizeRelative(dir === '' ? path : `${dir}/${path}`);
}

/** The directory part of a root-relative path (`''` for a top-level entry). */
export function dirOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

/** The last segment of a path. */
export function baseOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? path : path.slice(i + 1);
}

/** Whether `path` is `dir` or lies below it (both root-relative and normalized). */
export function isWithin(path: string, dir: string): boolean {
  return dir === '' || path === dir || path.startsWith(`${dir}/`);
}
