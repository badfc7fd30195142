import { lazyRecord } from '../../../kustomize/lazy-record.js';

describe('lazyRecord', () => {
  it('computes a property at its first read, once, and enumerates and serializes like a plain object', () => {
    const built: string[] = [];
    const kinds = lazyRecord<Record<string, Record<string, { scope: string }>>>({
      v1: () => (built.push('v1'), { Service: { scope: 'Namespaced' } }),
      'apps/v1': () => (built.push('apps/v1'), { Deployment: { scope: 'Namespaced' } }),
    });
    expect(built).toEqual([]);

    expect(kinds['apps/v1']?.['Deployment']?.scope).toBe('Namespaced');
    expect(kinds['apps/v1']).toBe(kinds['apps/v1']);
    expect(built).toEqual(['apps/v1']);
    expect(kinds['batch/v1']).toBeUndefined();

    expect(Object.keys(kinds)).toEqual(['v1', 'apps/v1']);
    expect(JSON.parse(JSON.stringify(kinds))).toEqual({
      v1: { Service: { scope: 'Namespaced' } },
      'apps/v1': { Deployment: { scope: 'Namespaced' } },
    });
    expect(built).toEqual(['apps/v1', 'v1']);
  });
});
