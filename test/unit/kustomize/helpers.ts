import { ResMap } from '../../../kustomize/resource/res-map.js';
import { Resource } from '../../../kustomize/resource/resource.js';
import { isJsonObject } from '../../../kustomize/yaml/json-value.js';
import { parseYamlDocuments } from '../../../kustomize/yaml/parse-yaml.js';

/** Resources from a YAML stream, as the loader would read them. */
export function resources(yaml: string): Resource[] {
  return parseYamlDocuments(yaml, { annotationsAsText: true }).map((doc) => {
    if (!isJsonObject(doc)) throw new Error('test fixture must hold mappings');
    return new Resource(doc);
  });
}

/** A ResMap of the resources in a YAML stream. */
export function resMap(yaml: string): ResMap {
  return new ResMap(resources(yaml));
}

/** The value at a dotted path (`spec.template.spec.containers.0.image`), or undefined. */
export function at(value: unknown, path: string): unknown {
  let current = value;
  for (const part of path.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
