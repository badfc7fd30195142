import { ConfigError } from '../../../core/config/config-error.js';

/**
 * Runs `parse`, expecting a ConfigError for `file` with an issue at `path` whose message contains `fragment`, and
 * a rendered message that names the file and the field together (what a user sees in a log or check run).
 */
export function expectConfigError(
  parse: () => unknown,
  file: string,
  path: string,
  fragment: string | RegExp,
): ConfigError {
  let thrown: unknown;
  try {
    parse();
  } catch (error) {
    thrown = error;
  }
  if (!(thrown instanceof ConfigError))
    throw new Error(`expected a ConfigError, got ${thrown === undefined ? 'no error' : String(thrown)}`);
  expect(thrown.file).toBe(file);
  const issue = thrown.issues.find((candidate) => candidate.path === path);
  if (!issue) throw new Error(`no issue at "${path}"; issues: ${JSON.stringify(thrown.issues)}`);
  if (typeof fragment === 'string') expect(issue.message).toContain(fragment);
  else expect(issue.message).toMatch(fragment);
  expect(thrown.message).toContain(path === '' ? `${file}: ` : `${file}: ${path}: `);
  return thrown;
}
