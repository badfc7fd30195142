import { describeSchemaErrors } from './describe-schema-errors.js';
import { invalidRequest } from './github-error.js';
import type { Json, JsonObject, OpenApiDescription, Operation } from './openapi-description.js';
import { SchemaCompiler } from './schema-compiler.js';

/** A request that passed the operation's schemas: parameters coerced to their declared types, defaults filled in. */
export interface ValidRequest {
  readonly pathParams: Readonly<Record<string, unknown>>;
  readonly query: Readonly<Record<string, unknown>>;
  /** The JSON body as sent (undefined when there was none). */
  readonly body: unknown;
}

/**
 * Checks a request against its operation in GitHub's description: path parameters, query parameters and the JSON
 * body. Throws GitHub's 422 "Invalid request." on any violation, so a request GitHub would reject fails here too.
 */
export class RequestValidator {
  // Parameters arrive as text, so they are coerced to the declared type (as GitHub's router does); bodies are JSON
  // and must already have the right types.
  private readonly parameters: SchemaCompiler;
  private readonly bodies: SchemaCompiler;

  constructor(description: OpenApiDescription) {
    this.parameters = new SchemaCompiler(description, { coerceTypes: 'array', useDefaults: true });
    this.bodies = new SchemaCompiler(description);
  }

  /** Validates one request, or throws a GitHubError (422) listing what is wrong. */
  validate(
    operation: Operation,
    pathParams: Readonly<Record<string, string>>,
    query: URLSearchParams,
    body: unknown,
  ): ValidRequest {
    const path: Record<string, unknown> = { ...pathParams };
    this.check(operation, 'path', path);
    const queryValues = readQuery(operation, query);
    this.check(operation, 'query', queryValues);
    this.checkBody(operation, body);
    return { pathParams: path, query: queryValues, body };
  }

  private check(operation: Operation, location: 'path' | 'query', data: Record<string, unknown>): void {
    const declared = operation.parameters.filter((p) => p.in === location);
    if (declared.length === 0) return;
    const properties: JsonObject = {};
    for (const parameter of declared) properties[parameter.name] = parameter.schema;
    const schema: Json = {
      type: 'object',
      properties,
      required: declared.filter((p) => p.required).map((p) => p.name),
    };
    const validate = this.parameters.compile(`${operation.operationId} ${location}`, schema);
    if (!validate(data)) {
      throw invalidRequest(describeSchemaErrors(validate.errors ?? [], location), operation.documentationUrl);
    }
  }

  private checkBody(operation: Operation, body: unknown): void {
    if (operation.requestBodySchema === undefined) return;
    if (body === undefined && !operation.requestBodyRequired) return;
    // An absent required body reads as `{}`, so the answer names the missing fields ("state" wasn't supplied.).
    const validate = this.bodies.compile(`${operation.operationId} body`, operation.requestBodySchema);
    if (!validate(body ?? {})) {
      throw invalidRequest(describeSchemaErrors(validate.errors ?? [], 'body'), operation.documentationUrl);
    }
  }
}

/** Declared query parameters only (GitHub ignores the rest); a repeated key becomes a list. */
function readQuery(operation: Operation, query: URLSearchParams): Record<string, unknown> {
  const values: Record<string, unknown> = {};
  for (const parameter of operation.parameters) {
    if (parameter.in !== 'query') continue;
    const all = query.getAll(parameter.name);
    if (all.length === 1) values[parameter.name] = all[0];
    else if (all.length > 1) values[parameter.name] = all;
  }
  return values;
}
