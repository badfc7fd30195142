// Whether kustomize-ts fails for the cause the kustomize CLI failed for, in the conformance corpora (krusty cases and
// public build roots), where the CLI's standard error is the expectation of a failing case.
import { KustomizeError, type KustomizeErrorReason } from '../../kustomize/index.js';

/**
 * How kustomize words the causes that kustomize-ts words otherwise: its go-yaml and file-system messages, messages
 * naming objects by their full resource ids, and its refusal of what it does only when asked (helm without
 * `--enable-helm`), which kustomize-ts refuses at the same step.
 */
const CLI_WORDING: Partial<Record<KustomizeErrorReason, RegExp>> = {
  'missing-kustomization': /unable to find one of 'kustomization\.yaml', 'kustomization\.yml' or 'Kustomization'/,
  'missing-file': /no such file or directory/,
  'outside-root': /is not in or below/,
  'invalid-yaml': /\byaml: /,
  'generator-failed': /behavior must be merge or replace/,
  'name-reference': /found multiple possible referrals/,
  'patch-target-not-found': /failed to find unique target for patch|no resource matches/,
  'not-supported': /must specify --enable-helm/,
};

/**
 * Whether kustomize-ts's `error` has the cause of the CLI's failure, `cliStderr` (a failing case's
 * expected-error.txt): the CLI says what {@link CLI_WORDING} has for the error's reason, or else the error's own text,
 * which then is kustomize's (less a remark of kustomize-ts's in parentheses at its end, such as the OpenAPI version it
 * has).
 */
export function sameCause(error: KustomizeError, cliStderr: string): boolean {
  const wording = CLI_WORDING[error.reason];
  if (wording !== undefined) return wording.test(cliStderr);
  return cliStderr.includes(error.detail.replace(/ \([^()]*\)$/, ''));
}

/** In a test: `render` fails with a KustomizeError for the cause the CLI's standard error `cliStderr` gives. */
export function expectFailureLikeCli(render: () => unknown, cliStderr: string): void {
  let error: unknown;
  try {
    render();
  } catch (thrown) {
    error = thrown;
  }
  expect(error).toBeInstanceOf(KustomizeError);
  const failure = error as KustomizeError;
  // The reason and message are in the comparison so that a failure shows them beside the CLI's.
  expect({ reason: failure.reason, message: failure.message, sameCause: sameCause(failure, cliStderr) }).toEqual({
    reason: failure.reason,
    message: failure.message,
    sameCause: true,
  });
}
