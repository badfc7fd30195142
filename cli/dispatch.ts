import type { CommandIo } from './command-io.js';

/** A `gantry` subcommand: takes its arguments and streams, returns the exit code. */
export type Command = (args: readonly string[], io: CommandIo) => number | Promise<number>;

/**
 * The subcommands; each lives in its own file (cli/<name>.ts) and is imported only when it runs: `gantry render`
 * needs kustomize-ts alone, and loading the cluster commands' Kubernetes client and worker first tripled its start.
 * Add new ones here.
 */
export const COMMANDS: Readonly<Record<string, { readonly load: () => Promise<Command>; readonly summary: string }>> = {
  apply: {
    load: async () => (await import('./apply.js')).runApply,
    summary: 'deploy an environment at a commit, as the worker does (rolls back on failure)',
  },
  check: {
    load: async () => (await import('./check.js')).runCheck,
    summary: "check a repository's app.yaml and env.yaml files against each other and the bases they describe",
  },
  diff: {
    load: async () => (await import('./diff.js')).runDiff,
    summary: 'show what applying an environment would change (server-side dry run); exit 2 on changes',
  },
  history: {
    load: async () => (await import('./history.js')).runHistory,
    summary: "list an environment's releases recorded in the cluster",
  },
  render: {
    // Built (dist/), the bundle with its cached compiled code: a render process starts as fast as Node allows.
    load: async () =>
      (await import('./bundled-command.js')).loadBundledCommand(new URL('render.cjs', import.meta.url), 'runRender') ??
      (await import('./render.js')).runRender,
    summary: 'print the manifests of a kustomization (same bytes as kustomize build)',
  },
  rollback: {
    load: async () => (await import('./rollback.js')).runRollback,
    summary: "re-apply an earlier succeeded release's stored manifests",
  },
  'send-delivery': {
    load: async () => (await import('./send-delivery.js')).runSendDelivery,
    summary: 'send a signed push or pull_request delivery to a webhook URL (setting up, testing, replaying)',
  },
  status: {
    load: async () => (await import('./status.js')).runStatus,
    summary: 'per environment: last release, its outcome, live health of its workloads',
  },
};

/** The top-level usage text. */
export function usage(): string {
  const lines = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(14)} ${c.summary}`);
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
  const run = await command.load();
  return run(args, io);
}
