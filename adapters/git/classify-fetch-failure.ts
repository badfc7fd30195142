import type { GitFetchFailure } from './errors.js';

// Git reports every transport failure as exit code 128 with a message on stderr; the message is all there is to
// tell "wrong credentials" (terminal) from "the network blinked" (retryable). Patterns are git's own wording
// (http.c, transport.c, connect.c) and GitHub's "remote:" lines; anything unrecognized counts as transient, since a
// needless retry costs seconds and a wrong terminal verdict loses a deployment.
const AUTH = [
  /authentication failed/i,
  /could not read (username|password)/i,
  /invalid username or password/i,
  /requested url returned error: 40[13]\b/i,
  /permission denied \(publickey/i,
];
const NO_REPOSITORY = [
  /repository '.*' not found/i,
  /does not appear to be a git repository/i,
  /requested url returned error: 404\b/i,
  /remote: repository not found/i,
];

/** Classifies a failed `git fetch` by its stderr. */
export function classifyFetchFailure(stderr: string): GitFetchFailure {
  if (AUTH.some((pattern) => pattern.test(stderr))) return 'auth';
  if (NO_REPOSITORY.some((pattern) => pattern.test(stderr))) return 'no-repository';
  return 'unreachable';
}
