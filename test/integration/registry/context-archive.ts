import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What to put in a test's build context besides the files copied from a directory. */
export interface ContextEdits {
  /** Files written over the copy (path relative to the context). */
  readonly files?: Readonly<Record<string, string>>;
  /** Symlinks to create: path → target. */
  readonly symlinks?: Readonly<Record<string, string>>;
  /** A GNU tar `--transform` expression applied to member names (with -P, so `../x` stays as written). */
  readonly rename?: string;
}

/**
 * A tar archive of `dir` (or of nothing) with `edits` applied to a copy: the uncompressed tar a build request
 * carries, as the build stage reads it from git objects.
 */
export function contextArchive(dir: string | undefined, edits: ContextEdits = {}): Buffer {
  const copy = mkdtempSync(join(tmpdir(), 'gantry-context-'));
  try {
    if (dir) cpSync(dir, copy, { recursive: true });
    for (const [path, content] of Object.entries(edits.files ?? {})) {
      mkdirSync(dirname(join(copy, path)), { recursive: true });
      writeFileSync(join(copy, path), content);
    }
    for (const [path, target] of Object.entries(edits.symlinks ?? {})) symlinkSync(target, join(copy, path));
    const rename = edits.rename ? ['-P', `--transform=${edits.rename}`] : [];
    return execFileSync('tar', ['-c', '-C', copy, ...rename, '.'], { maxBuffer: 256 * 1024 * 1024 });
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}
