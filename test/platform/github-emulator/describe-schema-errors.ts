import type { ErrorObject } from 'ajv';

/** How many problem lines an "Invalid request." message lists before it stops. */
const MAX_LINES = 10;

/**
 * Renders ajv's errors as the lines GitHub puts after "Invalid request.": `"state" wasn't supplied.` for a
 * missing property, `For 'properties/state', "bogus" is not one of ["error", …].` for the rest. GitHub speaks
 * Ruby, so a null shows as `nil`.
 *
 * @param location what the data is, for parameters: `'path'` or `'query'`; bodies read as GitHub's `properties/…`.
 */
export function describeSchemaErrors(errors: readonly ErrorObject[], location: 'body' | 'path' | 'query'): string[] {
  const lines: string[] = [];
  for (const error of errors) {
    const line = describeOne(error, location);
    if (line !== undefined && !lines.includes(line)) lines.push(line);
  }
  return lines.slice(0, MAX_LINES);
}

function describeOne(error: ErrorObject, location: 'body' | 'path' | 'query'): string | undefined {
  const where = pointerFor(error.instancePath, location);
  const value = rubyish(error.data);
  switch (error.keyword) {
    case 'required':
      return `"${String((error.params as { missingProperty?: string }).missingProperty)}" wasn't supplied.`;
    case 'enum': {
      const allowed = ((error.params as { allowedValues?: unknown[] }).allowedValues ?? []).map(rubyish).join(', ');
      return `For '${where}', ${value} is not one of [${allowed}].`;
    }
    case 'type': {
      const type = (error.params as { type?: string | string[] }).type;
      const names = (Array.isArray(type) ? type : [type ?? 'value']).filter((t) => t !== 'null');
      return `For '${where}', ${value} is not ${names.map(article).join(' or ')}.`;
    }
    case 'oneOf':
    case 'anyOf':
      return `No subschema in "${error.keyword}" matched.`;
    case 'if':
      // ajv reports the failing "then" branch separately; the "if" line adds nothing.
      return undefined;
    default:
      return `For '${where}', ${value} ${error.message ?? 'is invalid'}.`;
  }
}

function pointerFor(instancePath: string, location: 'body' | 'path' | 'query'): string {
  const path = instancePath.replace(/^\//, '');
  if (location !== 'body') return path;
  return path === '' ? 'properties' : `properties/${path}`;
}

function article(type: string): string {
  return /^[aeiou]/.test(type) ? `an ${type}` : `a ${type}`;
}

function rubyish(value: unknown): string {
  if (value === null || value === undefined) return 'nil';
  const json = JSON.stringify(value);
  return json.length > 80 ? `${json.slice(0, 77)}...` : json;
}
