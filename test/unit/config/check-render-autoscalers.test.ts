import { checkRenderAutoscalers } from '../../../core/config/check-render-autoscalers.js';
import type { KubeObject } from '../../../core/kube/object.js';

const scaler = (kind: 'HorizontalPodAutoscaler' | 'ScaledObject', name: string, target: string): KubeObject => ({
  apiVersion: kind === 'ScaledObject' ? 'keda.sh/v1alpha1' : 'autoscaling/v2',
  kind,
  metadata: { name, namespace: 'shop-dev' },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target } },
});

describe('checkRenderAutoscalers: an overlay whose autoscalers would fight is refused', () => {
  it('accepts one scaler per workload', () => {
    expect(checkRenderAutoscalers([scaler('HorizontalPodAutoscaler', 'a', 'a'), scaler('ScaledObject', 'b', 'b')], 'environments/dev')).toBeUndefined();
  });

  it("names the overlay's kustomization, the second scaler and its field", () => {
    const error = checkRenderAutoscalers([scaler('HorizontalPodAutoscaler', 'orders', 'orders'), scaler('ScaledObject', 'orders-queue', 'orders')], 'environments/dev');
    expect(error?.file).toBe('environments/dev/kustomization.yaml');
    expect(error?.issues).toEqual([{ path: 'ScaledObject/orders-queue: spec.scaleTargetRef', message: expect.stringContaining('Deployment/orders is already scaled by HorizontalPodAutoscaler/orders') }]);
  });
});
