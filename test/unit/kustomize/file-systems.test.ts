import { mkdirSync, mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DiskFileSystem, FileSystemError, MemoryFileSystem } from '../../../kustomize/index.js';

describe('DiskFileSystem confines every read to its root', () => {
  let outside: string;
  let root: string;

  beforeAll(() => {
    outside = mkdtempSync(join(tmpdir(), 'kustomize-fs-'));
    root = join(outside, 'repo');
    mkdirSync(join(root, 'app'), { recursive: true });
    writeFileSync(join(root, 'app', 'kustomization.yaml'), 'resources: []\n');
    writeFileSync(join(outside, 'secret.txt'), 'top secret\n');
    symlinkSync(join(outside, 'secret.txt'), join(root, 'app', 'escape.yaml'));
    symlinkSync('kustomization.yaml', join(root, 'app', 'inside-link.yaml'));
    writeFileSync(join(root, 'big.yaml'), '');
    truncateSync(join(root, 'big.yaml'), 50 * 1024 * 1024);
  });

  afterAll(() => rmSync(outside, { recursive: true, force: true }));

  it('reads files and lists directories inside the root', () => {
    const fs = new DiskFileSystem(root);
    expect(new TextDecoder().decode(fs.readFile('app/kustomization.yaml'))).toBe('resources: []\n');
    expect(fs.kind('app')).toBe('directory');
    expect(fs.kind('app/missing.yaml')).toBe('missing');
    expect(fs.readDir('app')).toEqual(['escape.yaml', 'inside-link.yaml', 'kustomization.yaml']);
  });

  it('follows a symlink that stays inside the root', () => {
    const fs = new DiskFileSystem(root);
    expect(fs.realPath('app/inside-link.yaml')).toBe('app/kustomization.yaml');
  });

  it.each([
    ['../secret.txt'],
    ['app/../../secret.txt'],
    ['/etc/passwd'.replace(/^\//, '../../../../../../../../etc/')],
  ])('refuses the path %s that climbs out of the root', (path) => {
    const fs = new DiskFileSystem(root);
    expect(() => fs.readFile(path)).toThrow(expect.objectContaining({ reason: 'outside-root' }));
  });

  it('refuses a symlink that points outside the root', () => {
    const fs = new DiskFileSystem(root);
    expect(() => fs.readFile('app/escape.yaml')).toThrow(FileSystemError);
    expect(() => fs.readFile('app/escape.yaml')).toThrow(/outside the repository root/);
  });

  it('refuses a 50 MB file with a clear size error, without reading it', () => {
    const fs = new DiskFileSystem(root);
    expect(() => fs.readFile('big.yaml')).toThrow(expect.objectContaining({ reason: 'too-large' }));
    expect(() => fs.readFile('big.yaml')).toThrow(/52428800 bytes, larger than the 10485760-byte limit/);
  });

  it('lets the caller set a different size limit', () => {
    const fs = new DiskFileSystem(root, { maxFileBytes: 4 });
    expect(() => fs.readFile('app/kustomization.yaml')).toThrow(expect.objectContaining({ reason: 'too-large' }));
  });
});

describe('MemoryFileSystem', () => {
  const fs = new MemoryFileSystem({ 'a/b/c.yaml': 'x: 1\n', 'a/d.bin': new Uint8Array([0, 255]) });

  it('holds files and their implicit parent directories', () => {
    expect(fs.kind('a')).toBe('directory');
    expect(fs.kind('a/b')).toBe('directory');
    expect(fs.kind('a/b/c.yaml')).toBe('file');
    expect(fs.readDir('a')).toEqual(['b', 'd.bin']);
    expect(fs.readDir('')).toEqual(['a']);
    expect(Array.from(fs.readFile('a/d.bin'))).toEqual([0, 255]);
  });

  it('normalizes ./ and .. inside the root, and refuses paths above it', () => {
    expect(fs.realPath('./a/b/../b/c.yaml')).toBe('a/b/c.yaml');
    expect(() => fs.readFile('../x')).toThrow(expect.objectContaining({ reason: 'outside-root' }));
  });

  it('reports a missing file and a directory read as a file', () => {
    expect(() => fs.readFile('a/nope')).toThrow(expect.objectContaining({ reason: 'not-found' }));
    expect(() => fs.readFile('a/b')).toThrow(expect.objectContaining({ reason: 'not-a-file' }));
  });

  it('enforces its size limit', () => {
    const small = new MemoryFileSystem({ 'f.yaml': 'abcdef' }, 3);
    expect(() => small.readFile('f.yaml')).toThrow(expect.objectContaining({ reason: 'too-large' }));
  });
});
