// A FAKE for what moto cannot do, and nothing else: an HTTP proxy in front of the real moto server that
//   1. injects faults: answers the next N calls of one operation itself with an AWS-shaped error (AccessDenied,
//      throttling, 5xx), in the JSON protocol of ECR/CodeBuild/Logs or the XML of S3;
//   2. simulates the inside of a CodeBuild build. moto records StartBuild but runs nothing: its first
//      BatchGetBuilds flips every build to SUCCEEDED and nothing is pushed. Here a started build stays IN_PROGRESS
//      until the test ends it: `succeed` pushes an image manifest to moto's ECR (what the buildspec's docker push
//      does), `fail` writes log lines to moto's CloudWatch Logs and records a failed BUILD phase. StopBuild reaches
//      moto and the build then reads STOPPED (moto itself would flip it back to SUCCEEDED on the next read). A
//      build's environment lists its StartBuild overrides, as CodeBuild's does (moto answers a fixed one).
//   3. works around one moto validation real CodeBuild does not have (withSourceLocation below).
// Every other request, and every request it lets through, is answered by moto.
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';

/** One injected AWS error. `type` is the exception name (`AccessDeniedException`, `ThrottlingException`, `AccessDenied`). */
export interface InjectedAwsError {
  readonly status: number;
  readonly type: string;
  readonly message?: string;
}

/** A call that reached the proxy: `CodeBuild_20161006.StartBuild`'s operation is `StartBuild`; S3 calls are `S3 PUT`. */
export interface RecordedCall {
  readonly operation: string;
  readonly body: unknown;
  readonly injected: boolean;
}

/** A build started through the proxy, as the simulation sees it. */
export interface SimulatedBuild {
  readonly id: string;
  readonly project: string;
  /** StartBuild's environment variable overrides, by name. */
  readonly variables: Readonly<Record<string, string>>;
  readonly idempotencyToken?: string;
  status: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED' | 'STOPPED';
  failureMessage?: string;
}

/** A running proxy. */
export interface AwsFaultProxy {
  /** Point clients here (AWS_ENDPOINT_URL). */
  readonly url: string;
  readonly calls: readonly RecordedCall[];
  readonly builds: ReadonlyMap<string, SimulatedBuild>;
  /** Answers the next `count` calls of `operation` (`StartBuild`, `CreateRepository`, `S3 PUT`) with `error`. */
  failNext(operation: string, count: number, error: InjectedAwsError): void;
  /** Ends build `id` as the buildspec would on success: its image is pushed to moto's ECR. Returns ECR's digest. */
  succeed(id: string): Promise<string>;
  /** Pushes a simulated image as `repositoryUri:tag` to moto's ECR (what any build's docker push does). Returns ECR's digest. */
  push(repositoryUri: string, tag: string): Promise<string>;
  /** Ends build `id` FAILED in its BUILD phase, with `logLines` in its CloudWatch Logs stream. */
  fail(id: string, logLines: readonly string[], message: string): Promise<void>;
  close(): Promise<void>;
}

/** Starts a proxy to moto at `motoUrl`; `clientConfig` reaches moto directly for the simulated build's writes. */
export async function startAwsFaultProxy(
  motoUrl: string,
  clientConfig: { endpoint: string; region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
): Promise<AwsFaultProxy> {
  const target = new URL(motoUrl);
  const calls: RecordedCall[] = [];
  const builds = new Map<string, SimulatedBuild>();
  const pending = new Map<string, { count: number; error: InjectedAwsError }>();
  const ecr = new ECRClient(clientConfig);
  const logs = new CloudWatchLogsClient(clientConfig);

  const server = createServer((request, response) => {
    void handle(request, response).catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readAll(request);
    const amzTarget = request.headers['x-amz-target'];
    const json = typeof amzTarget === 'string';
    const operation = json ? amzTarget.split('.').pop()! : `S3 ${request.method ?? 'GET'}`;
    const parsed = json && body.length > 0 ? (JSON.parse(body.toString('utf8')) as unknown) : undefined;
    const fault = pending.get(operation);
    if (fault && fault.count > 0) {
      fault.count--;
      calls.push({ operation, body: parsed, injected: true });
      const message = fault.error.message ?? fault.error.type;
      if (json)
        response
          .writeHead(fault.error.status, {
            'content-type': 'application/x-amz-json-1.1',
            'x-amzn-errortype': fault.error.type,
          })
          .end(JSON.stringify({ __type: fault.error.type, message }));
      else
        response
          .writeHead(fault.error.status, { 'content-type': 'application/xml' })
          .end(
            `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${fault.error.type}</Code><Message>${message}</Message></Error>`,
          );
      return;
    }
    calls.push({ operation, body: parsed, injected: false });
    const answer = await forward(request, operation === 'CreateProject' ? withSourceLocation(parsed, body) : body);
    let payload = answer.body;
    if (operation === 'StartBuild' && answer.status === 200) record(parsed, JSON.parse(payload.toString('utf8')));
    if (operation === 'StopBuild' && answer.status === 200) {
      const build = builds.get((parsed as { id: string }).id);
      if (build?.status === 'IN_PROGRESS') build.status = 'STOPPED';
    }
    if (operation === 'BatchGetBuilds' && answer.status === 200)
      payload = Buffer.from(JSON.stringify(rewrite(JSON.parse(payload.toString('utf8')))));
    const headers = { ...answer.headers };
    delete headers['content-length'];
    delete headers['transfer-encoding'];
    response.writeHead(answer.status, { ...headers, 'content-length': String(payload.length) }).end(payload);
  }

  function forward(
    request: IncomingMessage,
    body: Buffer,
  ): Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }> {
    return new Promise((resolve, reject) => {
      const upstream = httpRequest(
        {
          host: target.hostname,
          port: target.port,
          path: request.url,
          method: request.method,
          headers: { ...request.headers, host: target.host },
        },
        (answer) => {
          readAll(answer).then(
            (data) => resolve({ status: answer.statusCode ?? 502, headers: answer.headers, body: data }),
            reject,
          );
        },
      );
      upstream.setHeader('content-length', String(body.length));
      upstream.on('error', reject);
      upstream.end(body);
    });
  }

  function record(input: unknown, output: { build?: { id?: string } }): void {
    const request = input as {
      projectName: string;
      idempotencyToken?: string;
      environmentVariablesOverride?: { name: string; value: string }[];
    };
    const id = output.build?.id;
    if (!id) return;
    builds.set(id, {
      id,
      project: request.projectName,
      variables: Object.fromEntries((request.environmentVariablesOverride ?? []).map((v) => [v.name, v.value])),
      ...(request.idempotencyToken !== undefined && { idempotencyToken: request.idempotencyToken }),
      status: 'IN_PROGRESS',
    });
  }

  // What real CodeBuild would answer for a build in the simulation's state.
  function rewrite(answer: { builds?: Record<string, unknown>[] }): unknown {
    for (const build of answer.builds ?? []) {
      const simulated = builds.get(build.id as string);
      if (!simulated) continue;
      const complete = simulated.status !== 'IN_PROGRESS';
      build.buildStatus = simulated.status;
      build.buildComplete = complete;
      build.currentPhase = complete ? 'COMPLETED' : 'BUILD';
      build.phases = [
        { phaseType: 'SUBMITTED', phaseStatus: 'SUCCEEDED' },
        {
          phaseType: 'BUILD',
          ...(complete && { phaseStatus: simulated.status === 'SUCCEEDED' ? 'SUCCEEDED' : simulated.status }),
          ...(simulated.failureMessage !== undefined && {
            contexts: [{ statusCode: 'COMMAND_EXECUTION_ERROR', message: simulated.failureMessage }],
          }),
        },
      ];
      // moto answers a fixed environment; CodeBuild lists the variables the build runs with, overrides included.
      build.environment = {
        ...(build.environment as object),
        environmentVariables: Object.entries(simulated.variables).map(([name, value]) => ({
          name,
          value,
          type: 'PLAINTEXT',
        })),
      };
      build.logs = { groupName: `/aws/codebuild/${simulated.project}`, streamName: simulated.id.split(':')[1] };
    }
    return answer;
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  async function push(repositoryUri: string, tag: string): Promise<string> {
    const manifest = simulatedManifest(`${repositoryUri}:${tag}`);
    const pushed = await ecr.send(
      new PutImageCommand({
        repositoryName: repositoryUri.slice(repositoryUri.indexOf('/') + 1),
        imageTag: tag,
        imageManifest: manifest,
        imageManifestMediaType: 'application/vnd.oci.image.manifest.v1+json',
      }),
    );
    // The digest as ECR computed it (moto hashes its own serialisation of the manifest).
    const digest = pushed.image?.imageId?.imageDigest;
    if (!digest) throw new Error(`moto returned no digest for ${repositoryUri}:${tag}`);
    return digest;
  }

  function known(id: string): SimulatedBuild {
    const build = builds.get(id);
    if (!build) throw new Error(`no build ${id} was started through the proxy`);
    return build;
  }

  return {
    url: `http://127.0.0.1:${port}`,
    calls,
    builds,
    failNext: (operation, count, error) => {
      pending.set(operation, { count, error });
    },
    push,
    async succeed(id) {
      const build = known(id);
      const digest = await push(build.variables.IMAGE_REPOSITORY ?? '', build.variables.IMAGE_TAG ?? '');
      build.status = 'SUCCEEDED';
      return digest;
    },
    async fail(id, logLines, message) {
      const build = known(id);
      const group = `/aws/codebuild/${build.project}`;
      const stream = id.split(':')[1] ?? id;
      await logs.send(new CreateLogGroupCommand({ logGroupName: group })).catch((error: { name?: string }) => {
        if (error.name !== 'ResourceAlreadyExistsException') throw error;
      });
      await logs.send(new CreateLogStreamCommand({ logGroupName: group, logStreamName: stream }));
      const now = Date.now();
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: group,
          logStreamName: stream,
          logEvents: logLines.map((line, index) => ({ timestamp: now + index, message: line })),
        }),
      );
      build.failureMessage = message;
      build.status = 'FAILED';
    },
    close: () =>
      new Promise<void>((resolve) => {
        ecr.destroy();
        logs.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

// moto 5 refuses a NO_SOURCE project without a source location, which real CodeBuild accepts (and the builder
// sends none): a placeholder goes to moto only.
function withSourceLocation(parsed: unknown, body: Buffer): Buffer {
  const input = parsed as { source?: { type?: string; location?: string } } | undefined;
  if (input?.source?.type !== 'NO_SOURCE' || input.source.location) return body;
  return Buffer.from(JSON.stringify({ ...input, source: { ...input.source, location: 'none' } }));
}

// An OCI manifest whose config digest depends on the reference, so each simulated image has its own digest.
function simulatedManifest(reference: string): string {
  const config = createHash('sha256').update(`config of ${reference}`).digest('hex');
  const layer = createHash('sha256').update(`layer of ${reference}`).digest('hex');
  return JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.oci.image.manifest.v1+json',
    config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: `sha256:${config}`, size: 2 },
    layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: `sha256:${layer}`, size: 32 }],
  });
}

function readAll(stream: NodeJS.ReadableStream): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}
