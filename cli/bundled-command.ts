import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import Module, { createRequire } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Script } from 'node:vm';
import type { Command } from './dispatch.js';

/** Where compiled code is kept between runs: outside the installation, like the other caches of gantry. */
export function compileCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.GANTRY_CACHE ?? join(homeDir(env), '.cache', 'gantry'), 'compile-cache');
}

/**
 * os.homedir() without loading node:os in the common case: on POSIX it is $HOME when that is set and not empty, and
 * compiling node:os cost a render process about 1-2 ms of its start-up.
 */
function homeDir(env: NodeJS.ProcessEnv): string {
  if (process.platform !== 'win32' && env.HOME) return env.HOME;
  return process.getBuiltinModule('node:os').homedir();
}

/** How a bundle's compiled code was found: reused from the cache, or compiled and cached after this run. */
export type CodeCacheUse = 'hit' | 'miss';

/**
 * The command `exportName` of the bundle `file` (in dist/cli/, made by scripts/bundle-render.ts), or undefined when
 * there is no bundle (running from the TypeScript sources).
 */
export function loadBundledCommand(file: URL, exportName: string): Command | undefined {
  const path = fileURLToPath(file);
  return existsSync(path) ? loadBundle(path, exportName, compileCacheDir()).command : undefined;
}

/**
 * Loads a CommonJS bundle and returns its export `exportName`, with the bundle's compiled code cached in `cacheDir`
 * as a V8 code cache of the whole bundle, written after the command's first run so that it holds every function the
 * run compiled, and keyed by the bundle file's identity (inode, size, modification time), Node's version and the
 * architecture (V8 checks its own flags and rejects a cache made under others; it is then rewritten). A cache that
 * cannot be written only costs the next run its speed.
 *
 * Node ≥ 22.1 has a compile cache of its own (`module.enableCompileCache`), but it is made when a module is compiled,
 * before it runs, so it lacks every function compiled lazily during the run: on Node 24 a render of a generated
 * overlay took 77–78 ms with it against 58 ms with this one (BENCHMARKS.md).
 */
export function loadBundle(
  path: string,
  exportName: string,
  cacheDir: string,
): { command: Command; cache: CodeCacheUse } {
  // Keyed by the file's identity (inode, size, modification time) rather than a hash of its 800 kB: hashing it
  // cost a render process more CPU than the rest of the key saves; a rebuilt bundle is a new file.
  const stat = statSync(path, { bigint: true });
  const source = readFileSync(path, 'utf8');
  // Caches of other Node releases are kept (someone who switches releases keeps each one's), earlier builds' are not.
  const prefix = `${basename(path)}-${process.version}-${process.arch}-`;
  const cacheFile = join(cacheDir, `${prefix}${stat.ino}-${stat.size}-${stat.mtimeNs}.v8`);
  let cachedData: Buffer | undefined;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    cachedData = undefined;
  }
  const script = new Script(Module.wrap(source), { filename: path, cachedData });
  const module = { exports: {} as Record<string, unknown> };
  const wrapper = script.runInThisContext() as (...args: unknown[]) => void;
  wrapper.call(module.exports, module.exports, createRequire(path), module, path, dirname(path));
  const run = module.exports[exportName] as Command;
  if (cachedData !== undefined && !script.cachedDataRejected) return { command: run, cache: 'hit' };
  const command: Command = async (args, io) => {
    const code = await run(args, io);
    saveCodeCache(cacheDir, prefix, cacheFile, script.createCachedData());
    return code;
  };
  return { command, cache: 'miss' };
}

/** Writes the cache atomically and removes the caches of earlier builds of the same bundle for this Node release. */
function saveCodeCache(cacheDir: string, prefix: string, cacheFile: string, data: Buffer): void {
  try {
    mkdirSync(cacheDir, { recursive: true });
    const temporary = `${cacheFile}.${process.pid}.tmp`;
    writeFileSync(temporary, data);
    renameSync(temporary, cacheFile);
    for (const name of readdirSync(cacheDir)) {
      const old = join(cacheDir, name);
      if (name.startsWith(prefix) && name.endsWith('.v8') && old !== cacheFile) rmSync(old, { force: true });
    }
  } catch {
    // A read-only or full disk: the next run compiles again, nothing else changes.
  }
}
