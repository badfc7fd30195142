import type {
  DeliverWebhookInput,
  InjectFaultInput,
  RegisterAppInput,
  SeedPullInput,
  SeedRepoInput,
} from './admin-schemas.js';
import type { CallFilter, RecordedCall } from './call-log.js';
import type { WebhookDelivery } from './webhooks/deliver-webhook.js';

export type {
  CallFilter,
  DeliverWebhookInput,
  InjectFaultInput,
  RecordedCall,
  RegisterAppInput,
  SeedPullInput,
  SeedRepoInput,
  WebhookDelivery,
};

/** `GET /_emulator/faults`: injected answers still queued, and given so far. */
export interface FaultSummary {
  readonly pending: number;
  readonly injected: number;
}

/** An admin API answer that was not the expected success. */
export class EmulatorAdminError extends Error {
  constructor(
    readonly route: string,
    readonly status: number,
    readonly body: string,
  ) {
    super(`GitHub emulator ${route} answered ${status}: ${body}`);
    this.name = 'EmulatorAdminError';
  }
}

/**
 * A typed client for the emulator's admin API (`/_emulator/…`), for tests: read what the pipeline sent, seed what
 * GitHub would already hold, deliver webhooks.
 */
export class GitHubEmulatorClient {
  /** @param url the emulator's base URL, as `startGitHubEmulator` returns it. */
  constructor(readonly url: string) {}

  /** Every REST call answered so far, oldest first; `{ operationId }` keeps one operation's. */
  async calls(filter: CallFilter = {}): Promise<RecordedCall[]> {
    const query = filter.operationId === undefined ? '' : `?operationId=${encodeURIComponent(filter.operationId)}`;
    return (await this.send('GET', `calls${query}`)) as RecordedCall[];
  }

  /** Forgets recorded calls only. */
  async clearCalls(): Promise<void> {
    await this.send('DELETE', 'calls');
  }

  /** Forgets recorded calls and all state (statuses, checks, comments, deployments, pulls, issued tokens); keeps registered apps. */
  async reset(): Promise<void> {
    await this.send('POST', 'reset');
  }

  /** Seeds (or replaces) a pull request; returns it as `pulls.get` would. */
  async seedPull(input: SeedPullInput): Promise<Record<string, unknown>> {
    return (await this.send('POST', 'pulls', input)) as Record<string, unknown>;
  }

  /** Sets a repository's default branch (repositories otherwise appear on first use with `main`). */
  async seedRepo(input: SeedRepoInput): Promise<Record<string, unknown>> {
    return (await this.send('POST', 'repos', input)) as Record<string, unknown>;
  }

  /** Registers a GitHub App whose RS256 JWTs the emulator will accept. */
  async registerApp(input: RegisterAppInput): Promise<{ appId: string; slug: string }> {
    return (await this.send('POST', 'apps', input)) as { appId: string; slug: string };
  }

  /** Has the emulator sign and deliver a webhook; answers with the receiver's status and body. */
  async deliverWebhook(input: DeliverWebhookInput): Promise<WebhookDelivery> {
    return (await this.send('POST', 'webhooks', input)) as WebhookDelivery;
  }

  /**
   * Fault injection: the next `count` requests matching `method` / `path` get `status` (with `message` and `headers`)
   * instead of being served. Injected answers are not in the call log. Cleared by `reset`.
   */
  async injectFault(input: InjectFaultInput): Promise<FaultSummary> {
    return (await this.send('POST', 'faults', input)) as FaultSummary;
  }

  /** Injected answers still queued, and given so far. */
  async faults(): Promise<FaultSummary> {
    return (await this.send('GET', 'faults')) as FaultSummary;
  }

  /** Drops queued injected answers. */
  async clearFaults(): Promise<void> {
    await this.send('DELETE', 'faults');
  }

  /** The emulator's self-description: description version, operation count, implemented operations. */
  async health(): Promise<{ ok: boolean; description: string; operations: number; implemented: string[] }> {
    return (await this.send('GET', 'health')) as {
      ok: boolean;
      description: string;
      operations: number;
      implemented: string[];
    };
  }

  private async send(method: string, route: string, body?: unknown): Promise<unknown> {
    const response = await fetch(`${this.url}/_emulator/${route}`, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? null : JSON.stringify(body),
    });
    const text = await response.text();
    if (!response.ok) throw new EmulatorAdminError(`${method} /_emulator/${route}`, response.status, text);
    return text === '' ? undefined : (JSON.parse(text) as unknown);
  }
}
