import { controlPlaneProfile, tuningOf } from '../../../test/platform/components/control-plane-profile.js';

describe('the control-plane profile', () => {
  it('is production unless GANTRY_CONTROL_PLANE says stock', () => {
    expect(controlPlaneProfile({})).toBe('production');
    expect(controlPlaneProfile({ GANTRY_CONTROL_PLANE: 'stock' })).toBe('stock');
  });

  it('refuses any other value, naming the ones it takes', () => {
    expect(() => controlPlaneProfile({ GANTRY_CONTROL_PLANE: 'fast' })).toThrow(
      'GANTRY_CONTROL_PLANE=fast is not a control-plane profile: use production or stock',
    );
  });

  it('raises every client limit above upstream in production, and changes nothing in stock', () => {
    const production = tuningOf('production');
    expect(production.controllerManager!.qps).toBeGreaterThan(20);
    expect(production.controllerManager!.burst).toBeGreaterThan(30);
    expect(production.scheduler!.qps).toBeGreaterThan(50);
    expect(production.kwok!.podPlayStageParallelism).toBeGreaterThan(4);
    expect(tuningOf('stock')).toEqual({});
  });
});
