import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { promisify } from 'node:util';
import { need, uniqueName } from './connect.js';

const run = promisify(execFile);
const sha256 = (data: Buffer | string) => `sha256:${createHash('sha256').update(data).digest('hex')}`;

/** Pushes one blob with the OCI distribution API's monolithic upload (POST then PUT with the digest). */
async function pushBlob(host: string, repo: string, data: Buffer | string): Promise<string> {
  const digest = sha256(data);
  const start = await fetch(`http://${host}/v2/${repo}/blobs/uploads/`, { method: 'POST' });
  expect(start.status).toBe(202);
  const location = new URL(start.headers.get('location')!, `http://${host}`);
  location.searchParams.set('digest', digest);
  const put = await fetch(location, {
    method: 'PUT',
    body: data,
    headers: { 'content-type': 'application/octet-stream' },
  });
  expect(put.status).toBe(201);
  return digest;
}

describe('the OCI registry (Debian docker-registry)', () => {
  it('stores an image manifest and blobs that skopeo inspect reads back', async () => {
    const { host } = need('registry');
    const repo = uniqueName('shop/catalog');
    const config = JSON.stringify({
      architecture: 'amd64',
      os: 'linux',
      config: { Labels: { app: 'catalog' } },
      rootfs: { type: 'layers', diff_ids: [] },
    });
    const configDigest = await pushBlob(host, repo, config);
    const layer = Buffer.from('not really a tarball, but a blob is a blob');
    const layerDigest = await pushBlob(host, repo, layer);
    const manifest = JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: {
        mediaType: 'application/vnd.oci.image.config.v1+json',
        digest: configDigest,
        size: Buffer.byteLength(config),
      },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip', digest: layerDigest, size: layer.length }],
    });
    const put = await fetch(`http://${host}/v2/${repo}/manifests/1.0.0`, {
      method: 'PUT',
      body: manifest,
      headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' },
    });
    expect(put.status).toBe(201);

    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', `docker://${host}/${repo}:1.0.0`]);
    const inspected = JSON.parse(stdout) as { Digest: string; Labels: Record<string, string>; Layers: string[] };
    expect(inspected.Digest).toBe(sha256(manifest));
    expect(inspected.Layers).toEqual([layerDigest]);
    expect(inspected.Labels).toEqual({ app: 'catalog' });
  });
});

describe('the local base image', () => {
  it('is in the registry at start: a Debian bookworm root file system with Node.js 18 from Debian', async () => {
    const { host, baseImage } = need('registry');
    expect(baseImage).toBe(`${host}/gantry/base/node:18-bookworm`);
    const { stdout } = await run('skopeo', ['inspect', '--tls-verify=false', '--config', `docker://${baseImage}`]);
    const { config } = JSON.parse(stdout) as {
      config: { Cmd: string[]; Env: string[]; Labels: Record<string, string> };
    };
    expect(config.Cmd).toEqual(['node']);
    expect(config.Labels['dev.gantry.base']).toMatch(/^debian bookworm minbase \+ nodejs 18\./);
  });
});
