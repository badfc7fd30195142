import { isAbsolute, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import {
  DiskFileSystem,
  KustomizeError,
  LOAD_RESTRICTORS,
  type LoadRestrictor,
  renderKustomization,
} from '../kustomize/index.js';
import type { CommandIo } from './command-io.js';

export const RENDER_USAGE = `Usage: gantry render [DIR] [--load-restrictor LoadRestrictionsRootOnly|LoadRestrictionsNone]

Prints the manifests of the kustomization in DIR (default: the current directory)
exactly as \`kustomize build DIR\` prints them. Like kustomize, it reads bases anywhere on disk; a file a kustomization names
must lie in or below that kustomization's directory unless --load-restrictor LoadRestrictionsNone is given.
Remote bases and plugins that run code are refused.
`;

/** What the command line asked for, or the message saying why it cannot be run. */
type RenderArgs = { dir: string; loadRestrictor: LoadRestrictor } | { error: string };

function parseRenderArgs(args: readonly string[]): RenderArgs {
  const parsed = parseOptions(args);
  if ('error' in parsed) return parsed;
  const { positionals, values } = parsed;
  // kustomize's own wording for both mistakes, so a script switching between the two reads the same errors.
  if (positionals.length > 1) return { error: 'specify one path to kustomization.yaml' };
  const restrictor = values['load-restrictor'] ?? 'LoadRestrictionsRootOnly';
  if (!LOAD_RESTRICTORS.includes(restrictor as LoadRestrictor)) {
    return {
      error: `illegal flag value --load-restrictor ${restrictor}; legal values: [${LOAD_RESTRICTORS.join(' ')}]`,
    };
  }
  return { dir: positionals[0] ?? '.', loadRestrictor: restrictor as LoadRestrictor };
}

function parseOptions(
  args: readonly string[],
): { positionals: readonly string[]; values: { 'load-restrictor'?: string } } | { error: string } {
  // Without an option there is nothing for parseArgs to do, and its first call cost a render process about 0.7 ms
  // (Node compiles its internal modules then).
  if (args.every((arg) => !arg.startsWith('-'))) return { positionals: args, values: {} };
  try {
    return parseArgs({ args: [...args], allowPositionals: true, options: { 'load-restrictor': { type: 'string' } } });
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

/**
 * `gantry render [DIR]`: exit code 0 with the YAML on stdout, or 1 with `Error: ...` on stderr and nothing on
 * stdout. It reads through a file system rooted at `/`, so it accepts every directory `kustomize build` accepts; the
 * pipeline, unlike this command, confines renders to the repository (worker/).
 */
export function runRender(args: readonly string[], io: CommandIo): number {
  if (args.includes('--help') || args.includes('-h')) {
    io.stdout(RENDER_USAGE);
    return 0;
  }
  const parsed = parseRenderArgs(args);
  if ('error' in parsed) {
    io.stderr(`Error: ${parsed.error}\n\n${RENDER_USAGE}`);
    return 1;
  }
  const dir = resolve(io.cwd, parsed.dir);
  const fsRoot = resolve('/');
  try {
    const rootRelative = relative(fsRoot, dir).split(sep).join('/');
    const { yaml } = renderKustomization(new DiskFileSystem(fsRoot), rootRelative, {
      loadRestrictor: parsed.loadRestrictor,
    });
    io.stdout(yaml);
    return 0;
  } catch (error) {
    if (error instanceof KustomizeError) {
      io.stderr(`Error: ${displayPath(error.file, io.cwd)}${error.message.slice(error.file.length)}\n`);
    } else {
      io.stderr(`Error: ${error instanceof Error ? error.message : String(error)}\n`);
    }
    return 1;
  }
}

/** A path relative to `/` as the user would write it: relative to the working directory when below it, else absolute. */
function displayPath(rootRelative: string, cwd: string): string {
  const absolute = resolve('/', rootRelative);
  const fromCwd = relative(cwd, absolute);
  return fromCwd === '' ? '.' : fromCwd.startsWith('..') || isAbsolute(fromCwd) ? absolute : fromCwd;
}
