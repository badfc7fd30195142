import type { z } from 'zod';
import { ConfigError } from './config-error.js';
import { configErrorMap, toConfigIssues } from './config-error-map.js';
import type { DeepReadonly } from './deep-freeze.js';
import { deepFreeze } from './deep-freeze.js';

/**
 * Turns YAML text into a plain value, throwing on invalid YAML. core/ parses no YAML itself (it imports no
 * parser); callers pass one, normally `parse` from the `yaml` package, whose defaults already refuse duplicate keys,
 * several documents in one file, and alias bombs.
 */
export type YamlParser = (text: string) => unknown;

/**
 * Parses and validates one configuration file. Every failure, from invalid YAML to a misspelled field, becomes one
 * {@link ConfigError} naming `file`; the result is deeply frozen.
 *
 * @param guide where the file's fields are documented, quoted when the file is empty
 */
export function parseConfigFile<S extends z.ZodType>(
  schema: S,
  text: string,
  file: string,
  parseYaml: YamlParser,
  guide: string,
): DeepReadonly<z.output<S>> {
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch (cause) {
    const reason = cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.message) : String(cause);
    throw new ConfigError(file, [{ path: '', message: `is not valid YAML: ${reason}` }], { cause });
  }
  return validateConfig(schema, value, file, guide);
}

/** Validates an already parsed value (see {@link parseConfigFile}). */
export function validateConfig<S extends z.ZodType>(
  schema: S,
  value: unknown,
  file: string,
  guide: string,
): DeepReadonly<z.output<S>> {
  if (value === null || value === undefined) {
    throw new ConfigError(file, [{ path: '', message: `is empty; write its fields as described in ${guide}` }]);
  }
  const result = schema.safeParse(value, { error: configErrorMap, reportInput: true });
  if (!result.success) throw new ConfigError(file, toConfigIssues(result.error));
  return deepFreeze(result.data);
}
