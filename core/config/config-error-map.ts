import { z } from 'zod';
import { closestWord } from './closest-word.js';
import type { ConfigIssue } from './config-error.js';
import { formatPath } from './config-error.js';

/**
 * Zod's issues rewritten for someone editing a YAML file: what the value is, what it should be, and how to write it.
 * Used as the per-parse error map, so messages a schema sets itself (custom refinements, regex messages) win.
 */
export const configErrorMap: z.core.$ZodErrorMap = (issue) => {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return `is required${describedAs(issue.inst)}`;
      return `must be ${expectedName(issue.expected)}, not ${describeValue(issue.input)}${typeHint(issue.expected, issue.input)}`;
    case 'too_small':
      return sizeMessage('at least', issue.origin, Number(issue.minimum), issue.inclusive !== false, issue.input);
    case 'too_big':
      return sizeMessage('at most', issue.origin, Number(issue.maximum), issue.inclusive !== false, issue.input);
    case 'invalid_value': {
      const allowed = issue.values.map((value) => JSON.stringify(value));
      const guess = typeof issue.input === 'string' ? closestWord(issue.input, issue.values.map(String)) : undefined;
      return `must be ${allowed.length === 1 ? allowed[0] : `one of ${allowed.join(', ')}`}, not ${describeValue(issue.input)}${guess ? ` (did you mean "${guess}"?)` : ''}`;
    }
    case 'unrecognized_keys': {
      const known = knownKeys(issue.inst);
      const list = known.length > 0 ? `; the fields allowed here are ${known.join(', ')}` : '';
      if (issue.keys.length === 1) {
        const guess = closestWord(issue.keys[0] ?? '', known);
        return `is not a known field${guess ? ` (did you mean "${guess}"?)` : ''}${list}`;
      }
      return `has unknown fields ${issue.keys.map((key) => `"${key}"`).join(', ')}${list}`;
    }
    case 'not_multiple_of':
      return `must be a multiple of ${issue.divisor}, not ${describeValue(issue.input)}`;
    default:
      return undefined;
  }
};

/**
 * Turns a failed parse into issues with readable paths. An unknown key is reported at its own path
 * (`canary.stepz`), which is where the reader will look for it.
 */
export function toConfigIssues(error: z.ZodError): ConfigIssue[] {
  return error.issues.map((issue) => {
    const path =
      issue.code === 'unrecognized_keys' && issue.keys.length === 1
        ? [...issue.path, issue.keys[0] as string]
        : issue.path;
    return { path: formatPath(path), message: issue.message };
  });
}

function describedAs(schema: unknown): string {
  const description = schema instanceof z.ZodType ? schema.description : undefined;
  return description ? `: ${description}` : '';
}

function knownKeys(schema: unknown): string[] {
  return schema instanceof z.ZodObject ? Object.keys(schema.shape) : [];
}

const EXPECTED: Record<string, string> = {
  string: 'text',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  object: 'a mapping (key: value lines)',
  array: 'a list',
};

function expectedName(expected: string): string {
  return EXPECTED[expected] ?? expected;
}

/** A short, safe rendering of a value from the file (config files hold no secrets, but keep messages one line). */
export function describeValue(value: unknown): string {
  if (value === null) return 'null (an empty value)';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a mapping';
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  return String(value);
}

function typeHint(expected: string, input: unknown): string {
  if (expected === 'boolean' && typeof input === 'string' && /^(true|false|yes|no|on|off)$/i.test(input)) {
    return '; write true or false, without quotes';
  }
  if (
    (expected === 'number' || expected === 'int') &&
    typeof input === 'string' &&
    input.trim() !== '' &&
    !Number.isNaN(Number(input))
  ) {
    return '; write the number without quotes';
  }
  if (expected === 'array' && (typeof input === 'string' || typeof input === 'number')) {
    return `; write a list, for example [${JSON.stringify(input)}]`;
  }
  return '';
}

function sizeMessage(
  bound: 'at least' | 'at most',
  origin: string,
  limit: number,
  inclusive: boolean,
  input: unknown,
): string {
  if (origin === 'array') {
    const entries = `${limit} ${limit === 1 ? 'entry' : 'entries'}`;
    return `must have ${bound} ${entries}${Array.isArray(input) ? `, not ${input.length}` : ''}`;
  }
  if (origin === 'string') {
    if (bound === 'at least' && limit === 1) return 'must not be empty';
    return `must be ${bound} ${limit} characters long${typeof input === 'string' ? `, not ${input.length}` : ''}`;
  }
  const comparison = inclusive ? bound : bound === 'at least' ? 'greater than' : 'less than';
  return `must be ${comparison} ${limit}, not ${describeValue(input)}`;
}
