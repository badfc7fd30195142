/**
 * One problem in one configuration file.
 *
 * `path` is the field as a reader would write it (`canary.steps[1].weight`), or `''` for the file as a whole
 * (invalid YAML, not a mapping). `message` says what is wrong and what to write instead.
 */
export interface ConfigIssue {
  readonly path: string;
  readonly message: string;
}

/**
 * A configuration file (`app.yaml`, `env.yaml`) that cannot be used as written.
 *
 * Terminal: retrying cannot help until someone edits the file, so the pipeline reports it and stops. The message
 * lists every issue, one per line, each starting with the file and the field, so it can be shown as is in a log, a
 * terminal, or a GitHub check run.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  /** The file as the user knows it, relative to the repository root (`apps/catalog/app.yaml`). */
  readonly file: string;
  readonly issues: readonly ConfigIssue[];

  /**
   * @param file the file as the user knows it, relative to the repository root (`apps/catalog/app.yaml`)
   * @param issues at least one issue
   * @param options `cause`: the underlying error, for example the YAML parser's
   */
  constructor(file: string, issues: readonly ConfigIssue[], options?: { cause?: unknown }) {
    super(formatConfigIssues(file, issues), options);
    this.file = file;
    this.issues = Object.freeze([...issues]);
  }
}

/** Renders issues as `file: path: message` lines under a one-line summary. */
export function formatConfigIssues(file: string, issues: readonly ConfigIssue[]): string {
  const count = issues.length === 1 ? '1 problem' : `${issues.length} problems`;
  const lines = issues.map((issue) => `  ${file}: ${issue.path === '' ? '' : `${issue.path}: `}${issue.message}`);
  return [`${file} is invalid (${count}):`, ...lines].join('\n');
}

/** Formats a zod-style path (`['canary', 'steps', 1, 'weight']`) as `canary.steps[1].weight`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else {
      const name = String(key);
      out += /^[A-Za-z_][\w-]*$/.test(name) ? `${out === '' ? '' : '.'}${name}` : `[${JSON.stringify(name)}]`;
    }
  }
  return out;
}
