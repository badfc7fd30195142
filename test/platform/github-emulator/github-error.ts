/** Where GitHub points error bodies that belong to no particular operation. */
export const GENERAL_DOCUMENTATION_URL = 'https://docs.github.com/rest';

/** One entry of a "Validation Failed" body's `errors` array, as GitHub writes them. */
export interface GitHubValidationErrorItem {
  readonly resource: string;
  readonly field: string;
  readonly code: 'missing' | 'missing_field' | 'invalid' | 'already_exists' | 'unprocessable' | 'custom';
  readonly message?: string;
}

/** An error body in GitHub's shape: `message`, `documentation_url`, and (since 2023) `status` as a string. */
export interface GitHubErrorBody {
  readonly message: string;
  readonly documentation_url: string;
  readonly status: string;
  readonly errors?: readonly GitHubValidationErrorItem[];
  /** The emulator's own addition on 501s, naming what is missing. */
  readonly operationId?: string;
}

/** An error a handler throws to answer with GitHub's error shape; the HTTP layer turns it into the response. */
export class GitHubError extends Error {
  readonly body: GitHubErrorBody;

  constructor(
    readonly status: number,
    message: string,
    options: { documentationUrl?: string; errors?: readonly GitHubValidationErrorItem[]; operationId?: string } = {},
  ) {
    super(`${status} ${message}`);
    this.name = 'GitHubError';
    this.body = {
      message,
      documentation_url: options.documentationUrl ?? GENERAL_DOCUMENTATION_URL,
      status: String(status),
      ...(options.errors === undefined ? {} : { errors: options.errors }),
      ...(options.operationId === undefined ? {} : { operationId: options.operationId }),
    };
  }
}

/** GitHub's 404 for unknown paths, unsupported methods and missing resources alike. */
export function notFound(documentationUrl?: string): GitHubError {
  return new GitHubError(404, 'Not Found', documentationUrl === undefined ? {} : { documentationUrl });
}

/** No `Authorization` header, or one with an empty credential. */
export function requiresAuthentication(): GitHubError {
  return new GitHubError(401, 'Requires authentication');
}

/** A credential was sent but is not one the emulator accepts: GitHub's words for an unknown token. */
export function badCredentials(): GitHubError {
  return new GitHubError(401, 'Bad credentials');
}

/** A JSON schema violation: GitHub's "Invalid request." followed by one line per problem. */
export function invalidRequest(details: readonly string[], documentationUrl: string): GitHubError {
  return new GitHubError(422, ['Invalid request.', '', ...details].join('\n'), { documentationUrl });
}

/** A semantic rejection after the schema passed: GitHub's "Validation Failed" with an `errors` array. */
export function validationFailed(errors: readonly GitHubValidationErrorItem[], documentationUrl: string): GitHubError {
  return new GitHubError(422, 'Validation Failed', { documentationUrl, errors });
}

/** The body was not JSON at all. */
export function problemsParsingJson(): GitHubError {
  return new GitHubError(400, 'Problems parsing JSON');
}

/** An operation GitHub has and the emulator does not: say exactly which, so the gap is obvious in a test log. */
export function notImplemented(
  operationId: string,
  method: string,
  pathTemplate: string,
  documentationUrl: string,
): GitHubError {
  return new GitHubError(
    501,
    `The GitHub emulator does not implement ${operationId} (${method.toUpperCase()} ${pathTemplate}). ` +
      'Add a handler in test/platform/github-emulator/handlers/ if the pipeline needs it.',
    { documentationUrl, operationId },
  );
}
