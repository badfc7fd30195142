import type { CommandIo } from './command-io.js';
import { runApply } from './apply.js';
import { runDiff } from './diff.js';
import { runHistory } from './history.js';
import { runRender } from './render.js';
import { runRollback } from './rollback.js';
import { runStatus } from './status.js';

/** A `gantry` subcommand: takes its arguments and streams, returns the exit code. */
export type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

/** The subcommands; each lives in its own file (cli/<name>.ts). Add new ones here. */
export const COMMANDS: Readonly<Record<string, { readonly run: Command; readonly summary: string }>> = {
  apply: { run: runApply, summary: 'deploy an environment at a commit, as the worker does (rolls back on failure)' },
  diff: { run: runDiff, summary: 'show what applying an environment would change (server-side dry run); exit 2 on changes' },
  history: { run: runHistory, summary: "list an environment's releases recorded in the cluster" },
  render: { run: runRender, summary: 'print the manifests of a kustomization (same bytes as kustomize build)' },
  rollback: { run: runRollback, summary: "re-apply an earlier succeeded release's stored manifests" },
  status: { run: runStatus, summary: 'per environment: last release, its outcome, live health of its workloads' },
};

/** The top-level usage text. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`);
  return `Usage: gantry <command> [arguments]\n\nCommands:\n${lines.join('\n')}\n\nRun \`gantry <command> --help\` for a command's usage.\n`;
}

/** Dispatches `argv` (without node and script) to a subcommand and returns the exit code. */
export async function dispatch(argv: readonly string[], io: CommandIo): Promise<number> {
  const [name, ...args] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    (name === undefined ? io.stderr : io.stdout)(usage());
    return name === undefined ? 1 : 0;
  }
  const command = COMMANDS[name];
  if (command === undefined) {
    io.stderr(`gantry: unknown command '${name}'\n\n${usage()}`);
    return 1;
  }
  return command.run(args, io);
}
