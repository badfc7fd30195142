import type { ErrorObject } from 'ajv';
import type { OpenApiDescription, Operation } from './openapi-description.js';
import { SchemaCompiler } from './schema-compiler.js';

/** The verdict on one response: valid, or the schema problems found (as `instancePath: message`). */
export type ResponseVerdict =
  | { readonly kind: 'valid' }
  | { readonly kind: 'no-schema'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly problems: readonly string[] };

/**
 * Checks response bodies against the response schemas of GitHub's description. The emulator's tests run every
 * recorded response through it, so a handler that drifts from GitHub's shape fails a test instead of a client.
 */
export class ResponseValidator {
  private readonly compiler: SchemaCompiler;
  private readonly byOperationId: ReadonlyMap<string, Operation>;

  constructor(description: OpenApiDescription) {
    this.compiler = new SchemaCompiler(description);
    this.byOperationId = new Map(description.operations.map((op) => [op.operationId, op]));
  }

  /** Validates `body` as the `status` response of `operationId`. */
  check(operationId: string, status: number, body: unknown): ResponseVerdict {
    const operation = this.byOperationId.get(operationId);
    if (operation === undefined) return { kind: 'no-schema', reason: `no operation ${operationId} in the description` };
    const key = String(status);
    const documented = operation.responseSchemas.has(key);
    const schema = operation.responseSchemas.get(key);
    if (!documented || schema === null || schema === undefined) {
      // GitHub documents few of its error answers (a 422 on commit statuses is real but undocumented), so an error
      // without a documented body is left to the caller; an undocumented success is the emulator's mistake.
      if (status >= 400) return { kind: 'no-schema', reason: `${operationId} documents no body for ${key}` };
      if (!documented) return { kind: 'invalid', problems: [`${operationId} does not document a ${key} response`] };
      return body === undefined || body === null || body === ''
        ? { kind: 'valid' }
        : { kind: 'invalid', problems: [`${operationId} ${key} has no body in the description, but one was sent`] };
    }
    const validate = this.compiler.compile(`${operationId} ${key}`, schema);
    return validate(body) ? { kind: 'valid' } : { kind: 'invalid', problems: (validate.errors ?? []).map(describe) };
  }
}

function describe(error: ErrorObject): string {
  return `${error.instancePath || '/'}: ${error.message ?? error.keyword} (${error.schemaPath})`;
}
