import { KustomizeError, MemoryFileSystem, renderKustomization } from '../../../kustomize/index.js';
import { KustomizeFailure } from '../../../kustomize/errors.js';
import { crdTransformerConfig, parseCrdDefinitions } from '../../../kustomize/transform/crd-config.js';
import { EMPTY_TRANSFORMER_CONFIG } from '../../../kustomize/transform/transformer-config.js';

// Each expectation below was checked against `kustomize build` v5.8.2 (the conformance cases crds-* and
// error-crds-* hold the CLI's own output for the main forms).

const encode = (text: string): Uint8Array => new TextEncoder().encode(text);

/** The transformer configuration a `crds:` file gives, with only the lists it filled. */
function configOf(text: string): Record<string, unknown> {
  const config = crdTransformerConfig(parseCrdDefinitions(encode(text), 'd.yaml'));
  return Object.fromEntries(Object.entries(config).filter(([, list]) => (list as unknown[]).length > 0));
}

/** The message of the failure parsing a `crds:` file gives. */
function parseFailure(text: string | Uint8Array): string {
  try {
    parseCrdDefinitions(typeof text === 'string' ? encode(text) : text, 'd.yaml');
  } catch (error) {
    expect(error).toBeInstanceOf(KustomizeFailure);
    return (error as Error).message;
  }
  throw new Error('expected a failure');
}

const KIND_PROPS = 'kind: {}\n      apiVersion: {}\n      metadata: {}\n';

describe('crds: openapi-gen definitions as transformer configuration (kustomize LoadConfigFromCRDs)', () => {
  it('reads name references, label selectors, annotations and identities through $ref chains', () => {
    const config = configOf(`
example.dev/v1.Widget:
  Schema:
    properties:
      ${KIND_PROPS}      spec: {$ref: example.dev/v1.WidgetSpec}
example.dev/v1.WidgetSpec:
  Schema:
    properties:
      secret: {x-kubernetes-object-ref-api-version: v1, x-kubernetes-object-ref-kind: Secret}
      gadget:
        x-kubernetes-object-ref-api-version: v2
        x-kubernetes-object-ref-kind: Gadget
        x-kubernetes-object-ref-name-key: gadgetName
      selector: {x-kubernetes-label-selector: ""}
      notes: {x-kubernetes-annotation: ""}
      alias: {x-kubernetes-identity: "anything"}
      nested: {$ref: example.dev/v1.Nested}
example.dev/v1.Nested:
  Schema:
    properties:
      config: {x-kubernetes-object-ref-api-version: v1, x-kubernetes-object-ref-kind: ConfigMap}
`);
    const spec = (path: string) => ({ kind: 'Widget', path, create: false });
    expect(config).toEqual({
      namePrefix: [spec('spec/alias')],
      commonLabels: [spec('spec/selector')],
      commonAnnotations: [spec('spec/notes')],
      nameReference: expect.arrayContaining([
        { target: { version: 'v1', kind: 'Secret' }, referrers: [spec('spec/secret/name')] },
        { target: { version: 'v2', kind: 'Gadget' }, referrers: [spec('spec/gadget/gadgetName')] },
        { target: { version: 'v1', kind: 'ConfigMap' }, referrers: [spec('spec/nested/config/name')] },
      ]),
    });
    expect(config['nameReference']).toHaveLength(3);
  });

  it.each([
    ['an extension spelt in capitals', 'X-Kubernetes-Annotation: ""'],
    ['an extension whose value is not a string', 'x-kubernetes-annotation: true'],
    ['a reference without its api version', 'x-kubernetes-object-ref-kind: Secret'],
    ['a reference without its kind', 'x-kubernetes-object-ref-api-version: v1'],
    ['an extension declared inline below a property', 'properties: {inner: {x-kubernetes-annotation: ""}}'],
  ])('ignores %s, as kustomize does', (_what, property) => {
    expect(
      configOf(`a.v1.Widget:\n  Schema:\n    properties:\n      ${KIND_PROPS}      spec: {${property}}\n`),
    ).toEqual({});
  });

  it('takes only definitions with kind, apiVersion and metadata as kinds, named by the last part of the type name', () => {
    const config = configOf(`
a.v1.NotAKind:
  Schema:
    properties:
      kind: {}
      metadata: {}
      spec: {x-kubernetes-annotation: ""}
b//v1.Thing:
  schema:
    properties:
      ${KIND_PROPS}      spec: {$ref: b//v1//ThingSpec}
b/v1/ThingSpec:
  SCHEMA:
    properties:
      notes: {x-kubernetes-annotation: ""}
`);
    // The Schema key matches in any case (encoding/json); a $ref's duplicate slashes collapse (Go's URL normalising).
    expect(config).toEqual({ commonAnnotations: [{ kind: 'Thing', path: 'spec/notes', create: false }] });
  });

  it('gives nothing for an empty map, null, or a file holding only a comment', () => {
    for (const text of ['{}', 'null\n', '# nothing\n', ' \n']) {
      expect(crdTransformerConfig(parseCrdDefinitions(encode(text), 'd.yaml'))).toBe(EMPTY_TRANSFORMER_CONFIG);
    }
  });

  it.each([
    [
      'a CustomResourceDefinition object',
      'apiVersion: apiextensions.k8s.io/v1\nkind: CustomResourceDefinition\n',
      'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal string into Go value of type accumulator.OpenAPIDefinition',
    ],
    ['a list', '- a\n', 'json: cannot unmarshal array into Go value of type accumulator.nameToApiMap'],
    [
      'a JSON definition that is a number',
      '{"a": 1}',
      "from 'd.yaml': json: cannot unmarshal number into Go value of type accumulator.OpenAPIDefinition",
    ],
    [
      'dependencies that are not a list',
      'a: {Dependencies: x}\n',
      'cannot unmarshal string into Go struct field OpenAPIDefinition.Dependencies of type []string',
    ],
    [
      'a schema that is not a mapping',
      'a: {Schema: 3}\n',
      'json: cannot unmarshal JSON number into Go struct { Extensions spec.Extensions "json:\\",inline\\""; spec.SchemaProps; spec.SwaggerSchemaProps }',
    ],
    [
      'properties that are not a mapping',
      'a: {Schema: {properties: 3}}\n',
      'cannot unmarshal JSON number into Go map[string]spec.Schema within "/properties"',
    ],
    [
      'a nested description that is not a string',
      'a: {Schema: {properties: {x: {description: 3}}}}\n',
      'cannot unmarshal JSON number into Go string within "/properties/x/description"',
    ],
    [
      'a type that is neither string nor list',
      'a: {Schema: {type: {}}}\n',
      `cannot unmarshal into Go spec.StringOrArray within "/type": expected string or array, not '{'`,
    ],
    [
      'a fractional length',
      'a: {Schema: {minLength: 1.5}}\n',
      'cannot unmarshal JSON number 1.5 into Go int64 within "/minLength": invalid syntax',
    ],
    [
      'a required list of numbers',
      'a: {Schema: {required: [3]}}\n',
      'cannot unmarshal JSON number into Go string within "/required/0"',
    ],
    [
      'additionalProperties that is a string',
      'a: {Schema: {additionalProperties: x}}\n',
      `within "/additionalProperties": expected object or bool, not 'string'`,
    ],
    ['a $ref that is not a URL', 'a: {Schema: {$ref: "%zz"}}\n', 'parse "%zz": invalid URL escape "%zz"'],
    ['text that is not YAML', 'a: [\n', 'error converting YAML to JSON: '],
    ['text that is not JSON', '{"a": x}', 'invalid JSON: '],
  ])("refuses %s with kustomize's error", (_what, text, message) => {
    expect(parseFailure(text)).toContain(message);
  });

  it('accepts what kube-openapi decodes leniently: items, nested additionalProperties, dependencies values, $schema', () => {
    const text = 'a: {Schema: {items: x, additionalProperties: {description: 3}, dependencies: {a: 3}, $schema: 3}}\n';
    expect(crdTransformerConfig(parseCrdDefinitions(encode(text), 'd.yaml'))).toBe(EMPTY_TRANSFORMER_CONFIG);
  });

  it('refuses an empty file, on which kustomize crashes', () => {
    expect(parseFailure(new Uint8Array())).toBe("unable to parse open API definition from 'd.yaml': the file is empty");
  });

  it('refuses a cycle of $refs, on which kustomize recurses until it runs out of memory', () => {
    const text = `a.v1.W:\n  Schema:\n    properties:\n      ${KIND_PROPS}      spec: {$ref: a.v1.Spec}\na.v1.Spec:\n  Schema:\n    properties:\n      child: {$ref: a.v1.Spec}\n`;
    expect(() => configOf(text)).toThrow(/the \$ref chain a\.v1\.W → a\.v1\.Spec → a\.v1\.Spec is a cycle/);
  });

  it('names the kustomization and the crds entry in a render failure, and prefixes it as kustomize does', () => {
    const files = {
      'app/kustomization.yaml': 'crds:\n- good.json\n- bad.yaml\n',
      'app/good.json': '{}',
      'app/bad.yaml': 'a: 3\n',
    };
    let caught: unknown;
    try {
      renderKustomization(new MemoryFileSystem(files), 'app');
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(KustomizeError);
    expect(caught).toMatchObject({ reason: 'invalid-kustomization', file: 'app/kustomization.yaml', field: 'crds[1]' });
    expect((caught as Error).message).toBe(
      "app/kustomization.yaml: crds[1]: loading CRDs [good.json bad.yaml]: unable to parse open API definition from 'bad.yaml': " +
        'error unmarshaling JSON: while decoding JSON: json: cannot unmarshal number into Go value of type accumulator.OpenAPIDefinition',
    );
  });
});
