// Unpacks a build context (a tar archive read from git objects) into a directory, refusing anything that would let
// a build read outside it: a member path that is absolute or climbs with `..`, and a symlink whose target resolves
// outside the context. buildah itself resolves COPY sources inside the context, but a refused context gets a
// message naming the path instead of a build that copies something unexpected.
import { lstat, readdir, readlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { DeployError } from '../../core/deploy-error.js';
import { Reason } from '../../core/reasons.js';
import type { BuildFailure } from '../../core/ports/image-builder.js';
import { lastLines, runCommand } from './run-command.js';

/** A BuildFailed DeployError whose cause is a BuildFailure with the same message (what the port promises). */
export function buildFailed(message: string, logTail?: string): DeployError {
  const failure: BuildFailure = { reason: Reason.BuildFailed, message, ...(logTail !== undefined && { logTail }) };
  return new DeployError(Reason.BuildFailed, message, { cause: failure });
}

/**
 * Unpacks `archive` into `dir` (which exists and is empty) and checks that `dockerfile` is a file inside it.
 * @param label names the image in messages (`shop/catalog:<tag>`)
 * @throws DeployError BuildFailed naming the path at fault
 */
export async function unpackContext(archive: Buffer, dir: string, dockerfile: string, label: string): Promise<void> {
  const listing = await runCommand('tar', ['-t', '--quoting-style=escape', '-f', '-'], { input: archive });
  if (listing.code !== 0)
    throw buildFailed(`${label}: the build context is not a readable tar archive: ${lastLines(listing.output, 3)}`);
  for (const name of listing.output.split('\n').filter(Boolean)) {
    if (escapes(name)) throw buildFailed(`${label}: build context path ${name} leaves the context`);
  }
  const unpacked = await runCommand('tar', ['-x', '--no-same-owner', '-f', '-', '-C', dir], { input: archive });
  if (unpacked.code !== 0)
    throw buildFailed(`${label}: unpacking the build context failed: ${lastLines(unpacked.output, 3)}`);
  await refuseEscapingLinks(dir, dir, label);
  if (escapes(dockerfile)) throw buildFailed(`${label}: Dockerfile path ${dockerfile} leaves the build context`);
  const stat = await lstat(join(dir, dockerfile)).catch(() => undefined);
  if (!stat?.isFile()) throw buildFailed(`${label}: Dockerfile ${dockerfile} is not in the build context`);
}

function escapes(path: string): boolean {
  return isAbsolute(path) || path.split('/').includes('..');
}

async function refuseEscapingLinks(root: string, dir: string, label: string): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isSymbolicLink()) {
      const target = await readlink(path);
      const resolved = resolve(dirname(path), target);
      if (isAbsolute(target) || (resolved !== root && !resolved.startsWith(root + sep)))
        throw buildFailed(`${label}: symlink ${relative(root, path)} -> ${target} leaves the build context`);
    } else if (entry.isDirectory()) {
      await refuseEscapingLinks(root, path, label);
    }
  }
}
