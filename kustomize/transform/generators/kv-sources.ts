import { KustomizeFailure } from '../../errors.js';
import type { FileLoader } from '../../load/file-loader.js';

/** One key and its value; `bytes` when the value came from a file (it may not be text). */
export interface KvPair {
  readonly key: string;
  readonly value: string | Uint8Array;
}

/** Where a generator's data comes from. */
export interface KvSources {
  readonly literals?: readonly string[] | null;
  readonly files?: readonly string[] | null;
  readonly envs?: readonly string[] | null;
}

/** Collects pairs in kustomize's order: env files, then literals, then files. */
export function loadKvPairs(loader: FileLoader, sources: KvSources): KvPair[] {
  return [
    ...(sources.envs ?? []).flatMap((path) => pairsFromEnvFile(loader.load(path), path)),
    ...(sources.literals ?? []).map(parseLiteralSource),
    ...(sources.files ?? []).map((source) => {
      const [key, path] = parseFileSource(source);
      return { key, value: loader.load(path) };
    }),
  ];
}

/** `key=value`; surrounding matching quotes on the value are dropped. */
export function parseLiteralSource(source: string): KvPair {
  const i = source.indexOf('=');
  if (i <= 0) throw new KustomizeFailure('generator-failed', `invalid literal source ${source}, expected key=value`);
  return { key: source.slice(0, i), value: removeQuotes(source.slice(i + 1)) };
}

function removeQuotes(s: string): string {
  if (s.length < 2 || s[0] !== s[s.length - 1]) return s;
  return s[0] === '"' || s[0] === "'" ? s.slice(1, -1) : s;
}

/** `path` (key = file name) or `key=path`. */
export function parseFileSource(source: string): [string, string] {
  const separators = source.split('=').length - 1;
  if (separators === 0) return [source.slice(source.lastIndexOf('/') + 1) || source, source];
  if (separators > 1) throw new KustomizeFailure('generator-failed', `source "${source}" key name or file path contains '='`);
  const [key = '', path = ''] = source.split('=');
  if (key === '') throw new KustomizeFailure('generator-failed', `missing key name for file path "${path}" in source "${source}"`);
  if (path === '') throw new KustomizeFailure('generator-failed', `missing file path for key name "${key}" in source "${source}"`);
  return [key, path];
}

/** Go's unicode.IsSpace set (JavaScript's \s also matches U+FEFF, which Go does not trim). */
const GO_LEADING_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

/**
 * An env file: one `KEY=value` per line, `#` comments and blank lines skipped, leading whitespace trimmed (trailing
 * kept), a line without `=` gives an empty value.
 */
export function pairsFromEnvFile(content: Uint8Array, path: string): KvPair[] {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(content);
  } catch (cause) {
    throw new KustomizeFailure('generator-failed', `env file '${path}' has invalid utf8 bytes`, { cause });
  }
  const pairs: KvPair[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  lines.forEach((raw, index) => {
    let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    if (index === 0 && line.startsWith('\uFEFF')) line = line.slice(1);
    line = line.replace(GO_LEADING_SPACE, '');
    if (line === '' || line.startsWith('#')) return;
    const i = line.indexOf('=');
    const key = i < 0 ? line : line.slice(0, i);
    if (key === '') return;
    pairs.push({ key, value: i < 0 ? '' : line.slice(i + 1) });
  });
  return pairs;
}
