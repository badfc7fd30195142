import { Ajv, type Options, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { asObject, type Json, type JsonObject, type OpenApiDescription } from './openapi-description.js';

// ajv-formats is CommonJS; under NodeNext its default export arrives wrapped once more.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

const COMPONENT_SCHEMA_REF = '#/components/schemas/';
const COMPONENT_ID_BASE = 'https://github-emulator.invalid/components/schemas/';

/** Keywords of OpenAPI 3.0 schemas that are annotations only, or have no JSON Schema meaning. */
const ANNOTATIONS = new Set([
  'nullable',
  'discriminator',
  'example',
  'xml',
  'externalDocs',
  'deprecated',
  'readOnly',
  'writeOnly',
]);
/** Keywords whose value is one schema. */
const SCHEMA_VALUED = new Set(['items', 'not', 'additionalProperties', 'additionalItems', 'contains', 'propertyNames']);
/** Keywords whose value is a list of schemas. */
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);
/** Keywords whose value maps names to schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);

/**
 * Turns the description's OpenAPI 3.0 schemas into JSON Schema and compiles them with ajv, lazily.
 *
 * OpenAPI 3.0 differs from JSON Schema in `nullable: true`, which we translate explicitly (ajv's built-in support
 * rejects `nullable` without `type`, and does not let `null` through an `enum`, both common in GitHub's
 * description). Component schemas are converted and registered only when an operation that reaches them is first
 * compiled, so nothing is compiled at start-up.
 */
export class SchemaCompiler {
  private readonly ajv: Ajv;
  private readonly registered = new Set<string>();
  private readonly cache = new Map<string, ValidateFunction>();

  constructor(
    private readonly description: OpenApiDescription,
    options: Pick<Options, 'coerceTypes' | 'useDefaults'> = {},
  ) {
    this.ajv = new Ajv({ strict: false, allErrors: true, verbose: true, validateSchema: false, ...options });
    addFormats(this.ajv);
    // Formats GitHub uses that JSON Schema does not define: documentation only, as on GitHub's side.
    for (const format of ['repo.nwo', 'timestamp']) this.ajv.addFormat(format, true);
  }

  /** A validator for `schema`, compiled once per `cacheKey`. */
  compile(cacheKey: string, schema: Json): ValidateFunction {
    const cached = this.cache.get(cacheKey);
    if (cached !== undefined) return cached;
    const validate = this.ajv.compile(this.convert(schema) as object);
    this.cache.set(cacheKey, validate);
    return validate;
  }

  /** Converts one OpenAPI 3.0 schema node to JSON Schema, registering the component schemas it refers to. */
  convert(node: Json): Json {
    const schema = asObject(node);
    if (schema === undefined) return node;
    const ref = schema['$ref'];
    if (typeof ref === 'string') return this.convertRef(ref);
    const out: JsonObject = {};
    for (const [keyword, value] of Object.entries(schema)) {
      if (ANNOTATIONS.has(keyword) || keyword.startsWith('x-')) continue;
      if (SCHEMA_VALUED.has(keyword)) out[keyword] = this.convert(value);
      else if (SCHEMA_LISTS.has(keyword) && Array.isArray(value))
        out[keyword] = value.map((item) => this.convert(item));
      else if (SCHEMA_MAPS.has(keyword)) out[keyword] = mapValues(asObject(value) ?? {}, (item) => this.convert(item));
      else out[keyword] = value;
    }
    return schema['nullable'] === true ? allowNull(out) : out;
  }

  private convertRef(ref: string): Json {
    if (!ref.startsWith(COMPONENT_SCHEMA_REF)) return this.convert(this.description.resolveRef(ref));
    const name = ref.slice(COMPONENT_SCHEMA_REF.length);
    const id = COMPONENT_ID_BASE + name;
    if (!this.registered.has(name)) {
      // Mark first: component schemas refer to each other in cycles.
      this.registered.add(name);
      this.ajv.addSchema(this.convert(this.description.resolveRef(ref)) as object, id);
    }
    return { $ref: id };
  }
}

/** OpenAPI 3.0 `nullable: true` in JSON Schema terms. */
function allowNull(schema: JsonObject): JsonObject {
  const type = schema['type'];
  if (typeof type === 'string') {
    const widened: JsonObject = { ...schema, type: [type, 'null'] };
    if (Array.isArray(schema['enum']) && !schema['enum'].includes(null)) widened['enum'] = [...schema['enum'], null];
    return widened;
  }
  if (Array.isArray(type)) return type.includes('null') ? schema : { ...schema, type: [...type, 'null'] };
  return { anyOf: [schema, { type: 'null' }] };
}

function mapValues(object: JsonObject, fn: (value: Json) => Json): JsonObject {
  const out: JsonObject = {};
  for (const [key, value] of Object.entries(object)) out[key] = fn(value);
  return out;
}
