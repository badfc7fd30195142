import { CONTROLLER_NAME, routeStatus, type HttpRouteLike } from '../../platform/gateway-routes/route-status.js';

const now = new Date('2026-12-04T12:00:00.123Z');
const route = (fields: Partial<HttpRouteLike> = {}): HttpRouteLike => ({
  metadata: { name: 'catalog', namespace: 'shop-staging', generation: 3 },
  spec: { parentRefs: [{ name: 'shop-gateway', namespace: 'gateway-system' }] },
  ...fields,
});
const exists = () => true;

describe('routeStatus (the Gateway controller stand-in)', () => {
  it('accepts a route whose Gateway exists, at its current generation', () => {
    expect(routeStatus(route(), exists, now)).toEqual({
      parents: [
        {
          parentRef: {
            group: 'gateway.networking.k8s.io',
            kind: 'Gateway',
            name: 'shop-gateway',
            namespace: 'gateway-system',
          },
          controllerName: CONTROLLER_NAME,
          conditions: [
            {
              type: 'Accepted',
              status: 'True',
              reason: 'Accepted',
              message: 'accepted by the local platform stand-in',
              observedGeneration: 3,
              lastTransitionTime: '2026-12-04T12:00:00Z',
            },
          ],
        },
      ],
    });
  });

  it("reports NoMatchingParent for a missing Gateway, looked up in the route's namespace when the ref has none", () => {
    const asked: string[] = [];
    const status = routeStatus(
      route({ spec: { parentRefs: [{ name: 'nowhere' }] } }),
      (namespace, name) => (asked.push(`${namespace}/${name}`), false),
      now,
    );
    expect(asked).toEqual(['shop-staging/nowhere']);
    expect(status?.parents[0]).toMatchObject({ conditions: [{ status: 'False', reason: 'NoMatchingParent' }] });
  });

  it('writes nothing when the live status already says the same, and again once the generation moves', () => {
    const written = routeStatus(route(), exists, now);
    const live = route({ status: written });
    expect(routeStatus(live, exists, new Date(now.getTime() + 5_000))).toBeUndefined();
    expect(routeStatus({ ...live, metadata: { ...live.metadata, generation: 4 } }, exists, now)).toBeDefined();
  });
});
