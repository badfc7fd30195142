// Field schemas shared by app.yaml and env.yaml, each with a message that says how to write the value.
import { z } from 'zod';
import { branchNameProblem } from './branch-name.js';
import { formatDuration, parseDuration } from './duration.js';

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_1035_LABEL = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;

/**
 * A Kubernetes DNS-1123 label (namespaces, most object names): lowercase letters, digits and `-`, at most 63.
 * @param example a valid value, quoted in the message
 */
export function dnsLabel(example: string) {
  return z
    .string()
    .max(63)
    .regex(DNS_LABEL, {
      error: `must be a DNS label: lowercase letters, digits and "-", starting and ending with a letter or digit (for example ${example})`,
    });
}

/** A DNS-1035 label (Service names): like {@link dnsLabel} but starting with a letter. */
export function serviceName(example: string) {
  return z
    .string()
    .max(63)
    .regex(DNS_1035_LABEL, {
      error: `must be a DNS-1035 label, usable as a Service name: lowercase letters, digits and "-", starting with a letter (for example ${example})`,
    });
}

/** An IANA service name, as Kubernetes requires for named ports: at most 15 characters, at least one letter. */
export const portName = z
  .string()
  .max(15)
  .regex(/^(?!-)(?!.*--)[a-z0-9-]*[a-z][a-z0-9-]*(?<!-)$/, {
    error:
      'must be a port name: at most 15 lowercase letters, digits and single "-", with at least one letter (for example http)',
  });

/** A TCP port number. */
export const portNumber = z.number().int().min(1).max(65_535);

/**
 * A Go-style duration (`500ms`, `30s`, `5m`, `1h30m`), parsed to milliseconds.
 * @param bounds inclusive limits in milliseconds
 */
export function duration(bounds: { min: number; max: number }) {
  return z
    .string({
      error: (issue) =>
        typeof issue.input === 'number'
          ? `must be a duration with a unit, such as ${issue.input}s or ${issue.input}m, not the bare number ${issue.input}`
          : undefined,
    })
    .transform((text, ctx) => {
      const ms = parseDuration(text);
      if (ms === undefined) {
        ctx.addIssue({
          code: 'custom',
          input: text,
          message: `must be a duration such as 30s, 5m or 1h30m (units ms, s, m, h), not ${JSON.stringify(text)}`,
        });
        return z.NEVER;
      }
      if (ms < bounds.min || ms > bounds.max) {
        ctx.addIssue({
          code: 'custom',
          input: text,
          message: `must be between ${formatDuration(bounds.min)} and ${formatDuration(bounds.max)}, not ${text}`,
        });
        return z.NEVER;
      }
      return ms;
    });
}

/** A git branch name that `git branch` accepts (see {@link branchNameProblem}). */
export const branchName = z.string().superRefine((name, ctx) => {
  const problem = branchNameProblem(name);
  if (problem)
    ctx.addIssue({
      code: 'custom',
      input: name,
      message: `${JSON.stringify(name)} is not a valid git branch name: it ${problem}`,
    });
});

/**
 * A path inside the app's directory, written relative to it (`.`, `Dockerfile`, `docker/app.Dockerfile`). An app
 * builds from its own directory, so absolute paths and `..` are refused: they would make the build depend on files
 * the app's change detection never looks at.
 */
export const appRelativePath = z.string().superRefine((path, ctx) => {
  const problem = relativePathProblem(path);
  if (problem) ctx.addIssue({ code: 'custom', input: path, message: `${JSON.stringify(path)} ${problem}` });
});

/**
 * A glob relative to the app's directory: `*` matches within one path segment, `**` across segments, `?` one
 * character; a leading `!` excludes what earlier patterns included.
 */
export const watchPattern = z.string().superRefine((pattern, ctx) => {
  const problem = relativePathProblem(pattern.startsWith('!') ? pattern.slice(1) : pattern);
  if (problem) ctx.addIssue({ code: 'custom', input: pattern, message: `${JSON.stringify(pattern)} ${problem}` });
});

function relativePathProblem(path: string): string | undefined {
  if (path === '') return 'is empty; write . for the app directory itself';
  if (path.includes('\\')) return 'uses "\\"; write paths with "/"';
  if (path.startsWith('/')) return 'is absolute; write it relative to the app directory';
  if (path.split('/').includes('..'))
    return 'leaves the app directory (".."); an app builds and is watched from its own directory only';
  return undefined;
}

/** Rejects a list whose entries repeat a key, naming the second occurrence. */
export function uniqueBy<T>(key: (item: T) => string | number, what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const seen = new Map<string | number, number>();
    items.forEach((item, index) => {
      const value = key(item);
      const first = seen.get(value);
      if (first === undefined) seen.set(value, index);
      else
        ctx.addIssue({
          code: 'custom',
          path: [index],
          input: item,
          message: `repeats ${what} ${JSON.stringify(value)} of entry [${first}]; each must be unique`,
        });
    });
  };
}
