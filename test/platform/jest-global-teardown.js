// See jest-global-setup.js for why this is a JavaScript shim.
import { register } from 'tsx/esm/api';

register();
export default async function globalTeardown(...args) {
  const { default: teardown } = await import('./global-teardown.ts');
  return teardown(...args);
}
