import { DEFAULT_WATCH } from '../../../core/config/app-config.js';
import { isWatchedPath } from '../../../core/config/watch-patterns.js';

describe('isWatchedPath', () => {
  const explicit = ['src/**', 'package.json', 'Dockerfile'];

  it.each([
    [explicit, 'src/server.js', true],
    [explicit, 'src/lib/deep/file.js', true],
    [explicit, 'package.json', true],
    [explicit, 'Dockerfile', true],
    [explicit, 'base/deployment.yaml', false],
    [explicit, 'README.md', false],
    [explicit, 'srcs/file.js', false],
    [DEFAULT_WATCH, 'src/server.js', true],
    [DEFAULT_WATCH, 'Dockerfile', true],
    [DEFAULT_WATCH, 'base/deployment.yaml', false],
    [DEFAULT_WATCH, 'base/nested/patch.yaml', false],
    [DEFAULT_WATCH, 'app.yaml', false],
    [DEFAULT_WATCH, 'docs/app.yaml', true],
    [['*.js'], 'server.js', true],
    [['*.js'], 'src/server.js', false],
    [['**/*.js'], 'server.js', true],
    [['**/*.js'], 'src/a/server.js', true],
    [['src'], 'src/a/server.js', true],
    [['./src/*.js'], 'src/server.js', true],
    [['file?.txt'], 'file1.txt', true],
    [['file?.txt'], 'file10.txt', false],
    [['.'], 'anything/at/all', true],
    [['a.b'], 'axb', false],
    [['**', '!test/**', 'test/fixtures/**'], 'test/fixtures/x.json', true],
    [['**', '!test/**', 'test/fixtures/**'], 'test/unit.js', false],
  ] as const)('%j: %s → %s', (watch, path, expected) => {
    expect(isWatchedPath(watch, path)).toBe(expected);
  });
});
