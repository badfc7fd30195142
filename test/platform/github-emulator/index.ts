/** The GitHub emulator's public surface: start one, talk to its admin API, build and deliver webhooks. */
export { startGitHubEmulator, type GitHubEmulator, type GitHubEmulatorOptions } from './start-github-emulator.js';
export {
  EmulatorAdminError,
  GitHubEmulatorClient,
  type FaultSummary,
  type InjectFaultInput,
  type RecordedCall,
} from './client.js';
export { ResponseValidator, type ResponseVerdict } from './response-validator.js';
export * from './webhooks.js';
