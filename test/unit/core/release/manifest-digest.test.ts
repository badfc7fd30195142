import { canonicalJson, manifestDigest } from '../../../../core/release/manifest-digest.js';
import { obj } from '../kube-objects.js';

describe('manifestDigest', () => {
  const a = obj('v1', 'ConfigMap', 'a', 'shop', { data: { x: '1', y: '2' } });
  const b = obj('apps/v1', 'Deployment', 'b', 'shop', { spec: { replicas: 2 } });

  it('ignores object order and key order', () => {
    const reordered = { kind: 'ConfigMap', data: { y: '2', x: '1' }, metadata: { namespace: 'shop', name: 'a' }, apiVersion: 'v1' };
    expect(manifestDigest([a, b])).toBe(manifestDigest([b, reordered]));
    expect(manifestDigest([a, b])).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('changes when any value changes', () => {
    expect(manifestDigest([a, b])).not.toBe(manifestDigest([a, obj('apps/v1', 'Deployment', 'b', 'shop', { spec: { replicas: 3 } })]));
  });

  it('serializes canonically', () => {
    expect(canonicalJson({ b: [1, { d: null, c: 'x' }], a: undefined })).toBe('{"b":[1,{"c":"x","d":null}]}');
  });
});
