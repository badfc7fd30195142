import { KustomizeFailure } from '../errors.js';
import { YamlError, parseYamlDocuments } from '../yaml/parse-yaml.js';
import { isJsonObject, type JsonObject, type JsonValue } from '../yaml/json-value.js';
import type { FieldSpec } from './field-spec.js';
import type { NameBackReference } from './name-reference-specs.js';
import {
  EMPTY_TRANSFORMER_CONFIG,
  mergeFieldSpecs,
  mergeNameReferences,
  mergeTransformerConfigs,
  type TransformerConfig,
} from './transformer-config.js';

/**
 * kustomize's legacy `crds:` field (api/internal/accumulator/loadconfigfromcrds.go): each file is a map of Go type
 * names to OpenAPI definitions, as Kubernetes' openapi-gen writes them (`{"<pkg>.<Kind>": {"Schema": {...},
 * "Dependencies": [...]}}`), and the `x-kubernetes-...` extensions on the properties of a kind's schema tell the
 * builtin transformers where that kind holds names of other objects, labels, annotations or its own name:
 *
 * | extension on a property | what kustomize adds for the kind |
 * |---|---|
 * | `x-kubernetes-object-ref-api-version` + `x-kubernetes-object-ref-kind` (+ `x-kubernetes-object-ref-name-key`, default `name`) | a name reference: `<path>/<name key>` holds the name of an object of that version and kind |
 * | `x-kubernetes-label-selector` | a `commonLabels` field |
 * | `x-kubernetes-annotation` | a `commonAnnotations` field |
 * | `x-kubernetes-identity` | a `namePrefix` field |
 *
 * A definition is a kind when its schema has the properties `kind`, `apiVersion` and `metadata`; its kind is the
 * type name's last `.`-separated part (no group or version, as in kustomize). The walk follows `$ref` from a
 * property to the definition it names, so the paths go through nested types; properties declared inline under a
 * property are not walked, as in kustomize. An extension counts only when it is spelled in lower case and its value
 * is a string (kustomize reads them with `Extensions.GetString`).
 */

/** A definitions file's name → definition map, checked as kustomize's decoders check it. */
type Definitions = ReadonlyMap<string, { readonly schema: JsonObject | undefined }>;

/** What kustomize prints for a definition's Schema that is not a JSON object (its decoder's struct). */
const SCHEMA_STRUCT =
  'struct { Extensions spec.Extensions "json:\\",inline\\""; spec.SchemaProps; spec.SwaggerSchemaProps }';

class DefinitionError extends Error {}

function jsonKind(value: JsonValue): string {
  if (Array.isArray(value)) return 'array';
  if (value === null) return 'null';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/** encoding/json's names for a value that does not fit (v1 decoder: `number`, `bool`, ...). */
function v1Kind(value: JsonValue): string {
  const kind = jsonKind(value);
  return kind === 'boolean' ? 'bool' : kind;
}

/** The JSON pointer token of a key (RFC 6901). */
function token(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}

function mismatch(value: JsonValue, goType: string, at: string): DefinitionError {
  const where = at === '' ? '' : ` within "${at}"`;
  return new DefinitionError(`json: cannot unmarshal JSON ${jsonKind(value)} into Go ${goType}${where}`);
}

const STRING_FIELDS = ['id', 'description', 'format', 'title', 'pattern', 'discriminator'];
const BOOL_FIELDS = ['nullable', 'exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems', 'readOnly'];
const FLOAT_FIELDS = ['maximum', 'minimum', 'multipleOf'];
const INT_FIELDS = ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'];
const SCHEMA_LIST_FIELDS = ['allOf', 'oneOf', 'anyOf'];
const SCHEMA_MAP_FIELDS: readonly (readonly [string, string])[] = [
  ['properties', 'map[string]spec.Schema'],
  ['patternProperties', 'map[string]spec.Schema'],
  ['definitions', 'spec.Definitions'],
];

/**
 * Checks a value as kube-openapi's spec.Schema decoder (the go-json-experiment one kustomize runs) checks it: null
 * anywhere is nothing; a typed field of the wrong JSON type fails with the field's JSON pointer. `items` given as an
 * object, `additionalProperties`/`additionalItems` objects and `dependencies` values are decoded leniently there,
 * so they are not checked here either.
 */
function checkSchema(value: JsonValue, at: string): void {
  if (value === null) return;
  if (!isJsonObject(value)) throw mismatch(value, SCHEMA_STRUCT, at);
  const field = (name: string): JsonValue | undefined => (Object.hasOwn(value, name) ? value[name] : undefined);
  const ptr = (...keys: (string | number)[]): string => at + keys.map((k) => `/${token(k)}`).join('');
  for (const name of STRING_FIELDS) {
    const v = field(name);
    if (v !== undefined && v !== null && typeof v !== 'string') throw mismatch(v, 'string', ptr(name));
  }
  for (const name of BOOL_FIELDS) {
    const v = field(name);
    if (v !== undefined && v !== null && typeof v !== 'boolean') throw mismatch(v, 'bool', ptr(name));
  }
  for (const name of FLOAT_FIELDS) {
    const v = field(name);
    if (v !== undefined && v !== null && typeof v !== 'number') throw mismatch(v, 'float64', ptr(name));
  }
  for (const name of INT_FIELDS) {
    const v = field(name);
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number') throw mismatch(v, 'int64', ptr(name));
    if (!Number.isInteger(v)) {
      throw new DefinitionError(
        `json: cannot unmarshal JSON number ${String(v)} into Go int64 within "${ptr(name)}": invalid syntax`,
      );
    }
  }
  const type = field('type');
  if (type !== undefined && type !== null && typeof type !== 'string') {
    if (!Array.isArray(type)) {
      const found = isJsonObject(type) ? '{' : typeof type === 'boolean' ? String(type) : jsonKind(type);
      throw new DefinitionError(
        `json: cannot unmarshal into Go spec.StringOrArray within "${ptr('type')}": expected string or array, not '${found}'`,
      );
    }
    type.forEach((t, i) => {
      if (t !== null && typeof t !== 'string') throw mismatch(t, 'string', ptr('type', i));
    });
  }
  const required = field('required');
  if (required !== undefined && required !== null) {
    if (!Array.isArray(required)) throw mismatch(required, '[]string', ptr('required'));
    required.forEach((r, i) => {
      if (r !== null && typeof r !== 'string') throw mismatch(r, 'string', ptr('required', i));
    });
  }
  const enumValues = field('enum');
  if (enumValues !== undefined && enumValues !== null && !Array.isArray(enumValues)) {
    throw mismatch(enumValues, '[]interface {}', ptr('enum'));
  }
  const items = field('items');
  if (Array.isArray(items)) items.forEach((item, i) => checkSchema(item, ptr('items', i)));
  for (const name of SCHEMA_LIST_FIELDS) {
    const v = field(name);
    if (v === undefined || v === null) continue;
    if (!Array.isArray(v)) throw mismatch(v, '[]spec.Schema', ptr(name));
    v.forEach((s, i) => checkSchema(s, ptr(name, i)));
  }
  const not = field('not');
  if (not !== undefined) checkSchema(not, ptr('not'));
  for (const [name, goType] of SCHEMA_MAP_FIELDS) {
    const v = field(name);
    if (v === undefined || v === null) continue;
    if (!isJsonObject(v)) throw mismatch(v, goType, ptr(name));
    for (const [key, s] of Object.entries(v)) checkSchema(s, ptr(name, key));
  }
  for (const name of ['additionalProperties', 'additionalItems']) {
    const v = field(name);
    if (v === undefined || v === null || typeof v === 'boolean' || isJsonObject(v)) continue;
    throw new DefinitionError(
      `json: cannot unmarshal into Go spec.SchemaOrBool within "${ptr(name)}": expected object or bool, not '${jsonKind(v)}'`,
    );
  }
  const dependencies = field('dependencies');
  if (dependencies !== undefined && dependencies !== null && !isJsonObject(dependencies)) {
    throw mismatch(dependencies, 'spec.Dependencies', ptr('dependencies'));
  }
  const docs = field('externalDocs');
  if (docs !== undefined && docs !== null) {
    if (!isJsonObject(docs)) throw mismatch(docs, 'spec.ExternalDocumentation', ptr('externalDocs'));
    for (const name of ['description', 'url']) {
      const v = Object.hasOwn(docs, name) ? docs[name] : undefined;
      if (v !== undefined && v !== null && typeof v !== 'string')
        throw mismatch(v, 'string', ptr('externalDocs', name));
    }
  }
  const ref = field('$ref');
  if (typeof ref === 'string') {
    const invalid = invalidUrl(ref);
    if (invalid !== undefined) {
      throw new DefinitionError(
        `json: cannot unmarshal into Go spec.Schema within "${at}": parse "${ref}": ${invalid}`,
      );
    }
  }
}

/** Why Go's url.Parse refuses a `$ref`, for the cases a type name can run into; undefined when it parses. */
function invalidUrl(ref: string): string | undefined {
  // eslint-disable-next-line no-control-regex -- Go's url.Parse refuses ASCII control characters
  if (/[\x00-\x1f\x7f]/.test(ref)) return 'net/url: invalid control character in URL';
  const escape = /%(?![0-9A-Fa-f]{2})/.exec(ref.split('#')[0] ?? '');
  if (escape !== null) return `invalid URL escape "${ref.slice(escape.index, escape.index + 3)}"`;
  if (ref.startsWith(':')) return 'missing protocol scheme';
  return undefined;
}

/**
 * Decodes a `crds:` file as kustomize does: text starting with `{` as JSON, anything else as YAML (go-yaml v2,
 * through sigs.k8s.io/yaml); then into its map of OpenAPIDefinition structs (encoding/json: `Schema` and
 * `Dependencies` matched in any case, other keys ignored), each Schema by kube-openapi's decoder.
 */
export function parseCrdDefinitions(bytes: Uint8Array, path: string): Definitions {
  const fail = (message: string, cause?: unknown): never => {
    throw new KustomizeFailure(
      'invalid-kustomization',
      `unable to parse open API definition from '${path}': ${message}`,
      {
        cause,
      },
    );
  };
  if (bytes.length === 0) {
    // kustomize reads the first byte of the file unchecked and crashes (index out of range); refuse it plainly.
    fail('the file is empty');
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch (cause) {
    return fail('invalid UTF-8', cause);
  }
  const isJson = bytes[0] === 0x7b;
  const prefix = isJson ? '' : 'error unmarshaling JSON: while decoding JSON: ';
  let doc: JsonValue | undefined;
  if (isJson) {
    try {
      doc = JSON.parse(text) as JsonValue;
    } catch (cause) {
      return fail(`invalid JSON: ${(cause as Error).message}`, cause);
    }
  } else {
    try {
      // sigs.k8s.io/yaml reads the first document only, the last of two equal keys winning (go-yaml v2).
      doc = parseYamlDocuments(text, { dialect: 'go-yaml-v2', lastDuplicateKeyWins: true, keysAsJson: true })[0];
    } catch (cause) {
      if (!(cause instanceof YamlError)) throw cause;
      return fail(`error converting YAML to JSON: ${cause.message}`, cause);
    }
  }
  const definitions = new Map<string, { schema: JsonObject | undefined }>();
  if (doc === undefined || doc === null) return definitions;
  if (!isJsonObject(doc)) {
    return fail(`${prefix}json: cannot unmarshal ${v1Kind(doc)} into Go value of type accumulator.nameToApiMap`);
  }
  // encoding/json keeps going after a value of the wrong type (reporting the first at the end), but stops at once
  // when a Schema's own decoder fails.
  let typeError: string | undefined;
  for (const [name, definition] of Object.entries(doc)) {
    if (definition === null) {
      definitions.set(name, { schema: undefined });
      continue;
    }
    if (!isJsonObject(definition)) {
      typeError ??= `json: cannot unmarshal ${v1Kind(definition)} into Go value of type accumulator.OpenAPIDefinition`;
      continue;
    }
    let schema: JsonObject | undefined;
    for (const [key, value] of Object.entries(definition)) {
      const lower = key.toLowerCase();
      if (lower === 'schema') {
        try {
          checkSchema(value, '');
        } catch (error) {
          if (!(error instanceof DefinitionError)) throw error;
          return fail(`${prefix}${error.message}`);
        }
        schema = isJsonObject(value) ? value : undefined;
      } else if (lower === 'dependencies' && value !== null && !Array.isArray(value)) {
        typeError ??= `json: cannot unmarshal ${v1Kind(value)} into Go struct field OpenAPIDefinition.Dependencies of type []string`;
      }
    }
    definitions.set(name, { schema });
  }
  if (typeError !== undefined) fail(`${prefix}${typeError}`);
  return definitions;
}

const X_ANNOTATION = 'x-kubernetes-annotation';
const X_LABEL_SELECTOR = 'x-kubernetes-label-selector';
const X_IDENTITY = 'x-kubernetes-identity';
const X_VERSION = 'x-kubernetes-object-ref-api-version';
const X_KIND = 'x-kubernetes-object-ref-kind';
const X_NAME_KEY = 'x-kubernetes-object-ref-name-key';

function properties(schema: JsonObject | undefined): [string, JsonObject | null][] {
  const props = schema?.['properties'];
  if (!isJsonObject(props)) return [];
  return Object.entries(props).map(([name, value]) => [name, isJsonObject(value) ? value : null]);
}

function stringExtension(property: JsonObject | null, key: string): string | undefined {
  if (property === null || !Object.hasOwn(property, key)) return undefined;
  const value = property[key];
  return typeof value === 'string' ? value : undefined;
}

/** A `$ref` as jsonreference writes it back (Go's URL normalisation: duplicate slashes in the path collapse). */
function refName(ref: string): string {
  const hash = ref.indexOf('#');
  const [path, fragment] = hash < 0 ? [ref, ''] : [ref.slice(0, hash), ref.slice(hash)];
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(path) ? ref : path.replace(/\/{2,}/g, '/') + fragment;
}

interface Collected {
  namePrefix: FieldSpec[];
  commonLabels: FieldSpec[];
  commonAnnotations: FieldSpec[];
  nameReference: NameBackReference[];
}

/** kustomize's loadCrdIntoConfig: the extensions of one type's properties, then those of the types they `$ref`. */
function collect(
  into: Collected,
  kind: string,
  definitions: Definitions,
  typeName: string,
  path: readonly string[],
  walking: readonly string[],
): void {
  const definition = definitions.get(typeName);
  if (definition === undefined) return;
  if (walking.includes(typeName)) {
    // kustomize recurses without end here and dies of a stack overflow.
    throw new KustomizeFailure(
      'invalid-kustomization',
      `the $ref chain ${[...walking, typeName].join(' → ')} is a cycle (kind ${kind}, at ${path.join('/')}): ` +
        'kustomize cannot load such a definitions file either',
    );
  }
  for (const [name, property] of properties(definition.schema)) {
    const spec = (...parts: string[]): FieldSpec => ({
      kind,
      path: [...path, name, ...parts].join('/'),
      create: false,
    });
    if (stringExtension(property, X_ANNOTATION) !== undefined) {
      into.commonAnnotations = mergeFieldSpecs(into.commonAnnotations, [spec()]);
    }
    if (stringExtension(property, X_LABEL_SELECTOR) !== undefined) {
      into.commonLabels = mergeFieldSpecs(into.commonLabels, [spec()]);
    }
    if (stringExtension(property, X_IDENTITY) !== undefined) {
      into.namePrefix = mergeFieldSpecs(into.namePrefix, [spec()]);
    }
    const version = stringExtension(property, X_VERSION);
    const targetKind = stringExtension(property, X_KIND);
    if (version !== undefined && targetKind !== undefined) {
      const nameKey = stringExtension(property, X_NAME_KEY) ?? 'name';
      into.nameReference = mergeNameReferences(into.nameReference, [
        {
          target: { ...(version ? { version } : {}), ...(targetKind ? { kind: targetKind } : {}) },
          referrers: [spec(nameKey)],
        },
      ]);
    }
    const ref = property?.['$ref'];
    if (typeof ref === 'string') {
      collect(into, kind, definitions, refName(ref), [...path, name], [...walking, typeName]);
    }
  }
}

/** The transformer configuration one `crds:` file gives (kustomize's makeConfigFromApiMap). */
export function crdTransformerConfig(definitions: Definitions): TransformerConfig {
  let result = EMPTY_TRANSFORMER_CONFIG;
  for (const [name, definition] of definitions) {
    const names = new Set(properties(definition.schema).map(([key]) => key));
    if (!names.has('kind') || !names.has('apiVersion') || !names.has('metadata')) continue;
    const kind = name.split('.').at(-1) ?? name;
    const into: Collected = { namePrefix: [], commonLabels: [], commonAnnotations: [], nameReference: [] };
    collect(into, kind, definitions, name, [], []);
    result = mergeTransformerConfigs(result, { ...EMPTY_TRANSFORMER_CONFIG, ...into });
  }
  return result;
}
