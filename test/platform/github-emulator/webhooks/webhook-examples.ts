import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

/** A webhook payload: plain JSON, shaped like GitHub's. */
export type WebhookPayload = Record<string, unknown>;

interface EventDefinition {
  readonly name: string;
  readonly examples: readonly WebhookPayload[];
}

let definitions: readonly EventDefinition[] | undefined;

/** The example payloads npm `@octokit/webhooks-examples` collected from real deliveries, read once. */
function loadDefinitions(): readonly EventDefinition[] {
  if (definitions === undefined) {
    const require = createRequire(import.meta.url);
    const file = require.resolve('@octokit/webhooks-examples/api.github.com/index.json');
    definitions = JSON.parse(readFileSync(file, 'utf8')) as EventDefinition[];
  }
  return definitions;
}

/**
 * A deep copy of the first real example of `event` that `accept` takes (e.g. the right action), or of the first
 * example at all when none does. Copying matters: builders change the payload in place.
 */
export function cloneExample(event: string, accept: (example: WebhookPayload) => boolean = () => true): WebhookPayload {
  const definition = loadDefinitions().find((d) => d.name === event);
  const example = definition?.examples.find(accept) ?? definition?.examples[0];
  if (example === undefined) throw new Error(`@octokit/webhooks-examples has no example of the ${event} event`);
  return structuredClone(example);
}
