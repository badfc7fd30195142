import { stopPlatform } from './platform.js';

export default async function globalTeardown(): Promise<void> {
  const state = globalThis.__GANTRY_PLATFORM__;
  if (!state) return;
  await stopPlatform(state, { keepState: process.env.GANTRY_KEEP_PLATFORM_LOGS === '1' });
  globalThis.__GANTRY_PLATFORM__ = undefined;
}
