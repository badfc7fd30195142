// The CLI tests' harness: a command run in-process with captured streams, against the platform's apiserver
// (its kubeconfig passed with --kubeconfig) and a worker-kit test repository as the local checkout.
import type { CommandIo } from '../../../cli/command-io.js';
import { need } from '../../platform/connect.js';
import type { TestRepo } from '../worker/worker-test-kit.js';

/** What one command run printed and returned. */
export interface CommandRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `command` with `args` plus `--kubeconfig` for the platform cluster, in the repository's working clone. */
export async function runIn(
  repo: TestRepo,
  command: (args: readonly string[], io: CommandIo) => number | Promise<number>,
  args: readonly string[],
): Promise<CommandRun> {
  let stdout = '';
  let stderr = '';
  const io: CommandIo = {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    cwd: repo.git.workDir,
  };
  const code = await command([...args, '--kubeconfig', need('kubernetes').kubeconfig], io);
  return { code, stdout, stderr };
}
