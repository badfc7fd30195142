import { simpleGit, type SimpleGit } from 'simple-git';

/** Options for one git invocation. */
export interface GitCallOptions {
  /** Kills the git process when aborted. */
  readonly signal?: AbortSignal;
  /** Written to git's stdin (for `cat-file --batch`). */
  readonly input?: string;
}

// simple-git v4 refuses to pass guarded variables (every GIT_* and a few like PAGER or EDITOR) that are supplied
// explicitly, so the inherited environment is copied without them. These are the non-GIT_ ones it guards.
const GUARDED_PLAIN_KEYS = new Set(['editor', 'pager', 'prefix', 'ssh_askpass', 'visual']);

/**
 * A simple-git client rooted at `baseDir`. Git never prompts (`GIT_TERMINAL_PROMPT=0`): a worker has nobody to
 * type a password, and a prompt would hang the job until its timeout instead of failing with "auth".
 */
export function gitIn(baseDir: string, options: GitCallOptions = {}): SimpleGit {
  return client(baseDir, options, {});
}

/**
 * A simple-git client for the bare repository `gitDir`. `GIT_DIR` pins git to it: without it, git run in a
 * directory that is not (yet, or no longer) a repository walks up and would answer from an enclosing repository.
 */
export function gitAt(gitDir: string, options: GitCallOptions = {}): SimpleGit {
  return client(gitDir, options, { GIT_DIR: gitDir });
}

function client(baseDir: string, options: GitCallOptions, extraEnv: Record<string, string>): SimpleGit {
  const { input, signal } = options;
  const git = simpleGit({
    baseDir,
    abort: signal,
    allowEnvironment: ['GIT_TERMINAL_PROMPT', 'GIT_DIR'],
    input: input === undefined ? undefined : () => input,
    trimmed: false,
  });
  return git.env({ ...quietEnvironment(), ...extraEnv });
}

function quietEnvironment(): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [key, value] of Object.entries(process.env)) {
    const lower = key.toLowerCase();
    if (value === undefined || lower.startsWith('git_') || GUARDED_PLAIN_KEYS.has(lower)) continue;
    env[key] = value;
  }
  env.GIT_TERMINAL_PROMPT = '0';
  return env;
}

/** The text of an error from simple-git (git's stderr), for classification and messages. */
export function gitErrorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
