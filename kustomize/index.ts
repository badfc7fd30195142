/**
 * kustomize-ts: an in-process TypeScript implementation of `kustomize build` (v5) whose output is byte-identical to
 * the CLI's. See README.md in this folder for the feature table and the error classes.
 */
export { renderKustomization, KUSTOMIZE_VERSION } from './render.js';
export type { RenderOptions, RenderResult } from './render.js';
export { KustomizeError } from './errors.js';
export { LOAD_RESTRICTORS } from './load/file-loader.js';
export type { LoadRestrictor } from './load/file-loader.js';
export type { ErrorLocation, KustomizeErrorReason } from './errors.js';
export type { EntryKind, FileSystem, FileSystemErrorReason } from './fs/file-system.js';
export { DEFAULT_MAX_FILE_BYTES, FileSystemError } from './fs/file-system.js';
export { DiskFileSystem } from './fs/disk-file-system.js';
export type { DiskFileSystemOptions } from './fs/disk-file-system.js';
export { MemoryFileSystem } from './fs/memory-file-system.js';
export type { MemoryFiles } from './fs/memory-file-system.js';
export { emitYamlDocument, emitYamlStream } from './emit/emit-yaml.js';
export type { JsonObject, JsonValue } from './yaml/json-value.js';
