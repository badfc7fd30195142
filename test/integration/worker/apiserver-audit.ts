// Counting requests where they arrive: the platform's kube-apiserver writes an audit line per write request
// (test/platform/components/kube-apiserver.ts), dry-runs included; this reads the lines about one namespace.
import { open, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_LOG } from '../../platform/components/kube-apiserver.js';
import { kubectl, platform } from '../../platform/connect.js';


/** One write request, as the audit log records it. */
export interface AuditedWrite {
  readonly verb: string;
  readonly resource: string;
  readonly name: string | undefined;
  readonly dryRun: boolean;
  readonly userAgent: string;
}

interface AuditEvent {
  readonly requestURI: string;
  readonly verb: string;
  readonly userAgent?: string;
  readonly objectRef?: { resource?: string; namespace?: string; name?: string };
}

/** A window of the audit log: `writes()` returns what was written to `namespace` since `start`. */
export interface AuditWindow {
  writes(): Promise<AuditedWrite[]>;
}

export async function auditFrom(namespace: string): Promise<AuditWindow> {
  const file = join(platform().stateDir, AUDIT_LOG);
  const from = (await stat(file)).size;
  return {
    async writes() {
      // A marker request, then wait for its line: every request before it has been logged by then.
      const marker = `audit-marker-${Date.now().toString(36)}`;
      await kubectl('-n', namespace, 'create', 'configmap', marker, '--dry-run=server');
      for (;;) {
        const events = await readFrom(file, from);
        const index = events.findIndex((event) => event.objectRef?.name === marker);
        if (index >= 0)
          return events
            .slice(0, index)
            .filter((event) => event.objectRef?.namespace === namespace || event.objectRef?.name === namespace)
            // The controllers and kwok share the platform's admin identity; their status and pod writes are not the
            // pipeline's requests.
            .filter((event) => !/^(kube-controller-manager|kube-scheduler|kwok)\//.test(event.userAgent ?? ''))
            .map((event) => ({
              verb: event.verb,
              resource: event.objectRef?.resource ?? '',
              name: event.objectRef?.name,
              dryRun: /[?&]dryRun=All/.test(event.requestURI),
              userAgent: event.userAgent ?? '',
            }));
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    },
  };
}

async function readFrom(file: string, from: number): Promise<AuditEvent[]> {
  const handle = await open(file, 'r');
  try {
    const { size } = await handle.stat();
    const buffer = Buffer.alloc(Math.max(0, size - from));
    await handle.read(buffer, 0, buffer.length, from);
    return buffer
      .toString('utf8')
      .split('\n')
      .filter((line) => line.trim().length > 0)
      .map((line) => JSON.parse(line) as AuditEvent);
  } finally {
    await handle.close();
  }
}
