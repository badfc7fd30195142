// Jest loads global setup outside its module system (no moduleNameMapper for `./x.js` → `./x.ts`), so this shim
// registers tsx, the same loader `npm run platform` uses, and runs the TypeScript setup with it.
import { register } from 'tsx/esm/api';

register();
export default async function globalSetup(...args) {
  const { default: setup } = await import('./global-setup.ts');
  return setup(...args);
}
