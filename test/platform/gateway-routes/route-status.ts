// What a Gateway controller reports on an HTTPRoute (Gateway API `status.parents`), reduced to what the local
// platform's stand-in decides: a parent Gateway that exists accepts the route, a missing one does not
// (`NoMatchingParent`). Pure, so the stand-in's main.ts only reads, calls this and patches.

export const CONTROLLER_NAME = 'gantry.dev/local-gateway-stand-in';

interface ParentRef {
  readonly group?: string;
  readonly kind?: string;
  readonly name: string;
  readonly namespace?: string;
  readonly sectionName?: string;
}

export interface HttpRouteLike {
  readonly metadata: { readonly name: string; readonly namespace: string; readonly generation?: number };
  readonly spec?: { readonly parentRefs?: readonly ParentRef[] };
  readonly status?: { readonly parents?: readonly unknown[] };
}

/**
 * The `status` the stand-in writes for `route`, or undefined when the live status already says it (so a status
 * patch, which is itself a watch event, does not loop).
 */
export function routeStatus(
  route: HttpRouteLike,
  gatewayExists: (namespace: string, name: string) => boolean,
  now: Date,
): { parents: unknown[] } | undefined {
  const generation = route.metadata.generation ?? 1;
  const parents = (route.spec?.parentRefs ?? [])
    .filter((ref) => (ref.kind ?? 'Gateway') === 'Gateway')
    .map((ref) => {
      const namespace = ref.namespace ?? route.metadata.namespace;
      const exists = gatewayExists(namespace, ref.name);
      return {
        parentRef: { group: 'gateway.networking.k8s.io', kind: 'Gateway', name: ref.name, namespace },
        controllerName: CONTROLLER_NAME,
        conditions: [
          {
            type: 'Accepted',
            status: exists ? 'True' : 'False',
            reason: exists ? 'Accepted' : 'NoMatchingParent',
            message: exists ? 'accepted by the local platform stand-in' : `Gateway ${namespace}/${ref.name} not found`,
            observedGeneration: generation,
            lastTransitionTime: now.toISOString().replace(/\.\d+Z$/, 'Z'),
          },
        ],
      };
    });
  const same = JSON.stringify(strip(parents)) === JSON.stringify(strip(route.status?.parents ?? []));
  return same ? undefined : { parents };
}

/** The fields that matter when comparing statuses: everything but the transition time. */
function strip(parents: readonly unknown[]): unknown[] {
  return parents.map((parent) => {
    const p = parent as {
      parentRef?: unknown;
      conditions?: { type?: unknown; status?: unknown; reason?: unknown; observedGeneration?: unknown }[];
    };
    return {
      parentRef: p.parentRef,
      conditions: (p.conditions ?? []).map((c) => [c.type, c.status, c.reason, c.observedGeneration]),
    };
  });
}
