import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A JSON value from the description, untyped on purpose: the description is data, read defensively. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
/** An object node of the description. */
export type JsonObject = { [key: string]: Json };

/** The HTTP methods the description uses for operations. */
export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';
export const HTTP_METHODS: readonly HttpMethod[] = ['get', 'post', 'put', 'patch', 'delete'];

/** One parameter of an operation, `$ref`s already followed. */
export interface OperationParameter {
  readonly name: string;
  readonly in: 'path' | 'query' | 'header' | 'cookie';
  readonly required: boolean;
  /** The OpenAPI 3.0 schema, possibly still holding `$ref`s into components. */
  readonly schema: Json;
  /** GitHub's extension: the path parameter may span several segments (`heads/main`). */
  readonly multiSegment: boolean;
}

/** One operation of the description: what a route points at. */
export interface Operation {
  readonly operationId: string;
  readonly method: HttpMethod;
  /** The path template, e.g. `/repos/{owner}/{repo}/statuses/{sha}`. */
  readonly pathTemplate: string;
  readonly parameters: readonly OperationParameter[];
  /** The JSON request body schema, or undefined when the operation takes no JSON body. */
  readonly requestBodySchema: Json | undefined;
  readonly requestBodyRequired: boolean;
  /** Responses by status code (`"201"`), each the JSON schema of its body, or null when it has none. */
  readonly responseSchemas: ReadonlyMap<string, Json | null>;
  readonly documentationUrl: string;
}

/**
 * GitHub's published REST description (npm `@octokit/openapi`, api.github.com), loaded once.
 *
 * We read the `$ref` form (`api.github.com.json`, 13 MB) rather than the dereferenced one (73 MB): it is the same
 * description, parses in a quarter of the time, and ajv resolves the `$ref`s itself when an operation's schema is
 * first compiled. That keeps the emulator's start-up well under the 1.5 s budget.
 */
export class OpenApiDescription {
  readonly operations: readonly Operation[];
  readonly version: string;
  /** Webhook payload descriptions (`x-webhooks`), keyed like `push` or `pull-request-opened`. */
  readonly webhooks: JsonObject;
  private readonly components: JsonObject;

  private constructor(document: JsonObject, version: string) {
    this.version = version;
    this.components = asObject(document['components']) ?? {};
    this.operations = readOperations(asObject(document['paths']) ?? {}, (ref) => this.resolveRef(ref));
    this.webhooks = asObject(document['x-webhooks']) ?? {};
  }

  private static loaded: OpenApiDescription | undefined;

  /** The description, read once per process and shared (it is read-only). */
  static shared(): OpenApiDescription {
    OpenApiDescription.loaded ??= OpenApiDescription.load();
    return OpenApiDescription.loaded;
  }

  /** Reads the description that ships with the installed `@octokit/openapi`. */
  static load(): OpenApiDescription {
    const require = createRequire(import.meta.url);
    const packageJsonPath = require.resolve('@octokit/openapi/package.json');
    const packageJson = JSON.parse(readFileSync(packageJsonPath, 'utf8')) as { version?: string };
    const file = packageJsonPath.replace(/package\.json$/, 'generated/api.github.com.json');
    const document = JSON.parse(readFileSync(file, 'utf8')) as JsonObject;
    return new OpenApiDescription(document, packageJson.version ?? 'unknown');
  }

  /** Follows a local `$ref` such as `#/components/schemas/status`; throws when it points nowhere. */
  resolveRef(ref: string): Json {
    const prefix = '#/components/';
    if (!ref.startsWith(prefix)) throw new Error(`unsupported $ref ${ref}: only ${prefix}… refs are expected`);
    let node: Json | undefined = this.components;
    for (const part of ref.slice(prefix.length).split('/')) {
      node = asObject(node ?? null)?.[decodePointer(part)];
    }
    if (node === undefined) throw new Error(`$ref ${ref} points at nothing in the description`);
    return node;
  }

  /** The JSON schema a webhook event's payload must satisfy, e.g. `webhookSchema('pull-request-opened')`. */
  webhookSchema(key: string): Json | undefined {
    const body = asObject(asObject(asObject(this.webhooks[key] ?? null)?.['post'] ?? null)?.['requestBody'] ?? null);
    return jsonBodySchema(body, (ref) => this.resolveRef(ref));
  }
}

function readOperations(paths: JsonObject, resolve: (ref: string) => Json): Operation[] {
  const operations: Operation[] = [];
  for (const [pathTemplate, item] of Object.entries(paths)) {
    const pathItem = asObject(item) ?? {};
    for (const method of HTTP_METHODS) {
      const op = asObject(pathItem[method] ?? null);
      if (op === undefined) continue;
      operations.push(readOperation(pathTemplate, method, op, resolve));
    }
  }
  return operations;
}

function readOperation(
  pathTemplate: string,
  method: HttpMethod,
  op: JsonObject,
  resolve: (ref: string) => Json,
): Operation {
  const parameters = (Array.isArray(op['parameters']) ? op['parameters'] : []).map((raw) => {
    const p = asObject(follow(raw, resolve)) ?? {};
    const location = String(p['in']);
    return {
      name: String(p['name']),
      in: (['path', 'query', 'header', 'cookie'].includes(location) ? location : 'query') as OperationParameter['in'],
      required: p['required'] === true,
      schema: p['schema'] ?? {},
      multiSegment: p['x-multi-segment'] === true,
    };
  });
  const requestBody = asObject(follow(op['requestBody'] ?? null, resolve));
  const responseSchemas = new Map<string, Json | null>();
  for (const [status, raw] of Object.entries(asObject(op['responses'] ?? null) ?? {})) {
    responseSchemas.set(status, jsonBodySchema(asObject(follow(raw, resolve)), resolve) ?? null);
  }
  const externalDocs = asObject(op['externalDocs'] ?? null);
  return {
    operationId: String(op['operationId']),
    method,
    pathTemplate,
    parameters,
    requestBodySchema: jsonBodySchema(requestBody, resolve),
    requestBodyRequired: requestBody?.['required'] === true,
    responseSchemas,
    documentationUrl: typeof externalDocs?.['url'] === 'string' ? externalDocs['url'] : 'https://docs.github.com/rest',
  };
}

/** The `application/json` schema of a request body or response object, if it has one. */
function jsonBodySchema(holder: JsonObject | undefined, resolve: (ref: string) => Json): Json | undefined {
  const content = asObject(holder?.['content'] ?? null);
  const json = asObject(follow(content?.['application/json'] ?? null, resolve));
  return json?.['schema'];
}

function follow(node: Json, resolve: (ref: string) => Json): Json {
  const object = asObject(node);
  const ref = object?.['$ref'];
  return typeof ref === 'string' ? follow(resolve(ref), resolve) : node;
}

/** Narrows a JSON value to an object node. */
export function asObject(node: Json | undefined): JsonObject | undefined {
  return node !== null && typeof node === 'object' && !Array.isArray(node) ? node : undefined;
}

function decodePointer(part: string): string {
  return part.replace(/~1/g, '/').replace(/~0/g, '~');
}
