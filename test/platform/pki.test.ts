import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createControlPlanePki } from './pki.js';

describe('the local control plane PKI', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'gantry-pki-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const openssl = (...args: string[]) => execFileSync('openssl', args, { cwd: dir, encoding: 'utf8' }).trim();

  it('signs both certificates with the CA, each with a serial of its own and no serial file they share', async () => {
    const pki = await createControlPlanePki(dir);
    // Two openssl processes signing at once used to read and write one ca.srl, and one could read it half-written.
    expect(existsSync(join(dir, 'ca.srl'))).toBe(false);
    const serials = [pki.apiserverCert, pki.adminCert].map((cert) => openssl('x509', '-in', cert, '-noout', '-serial'));
    expect(serials[0]).toMatch(/^serial=[0-9A-F]+$/);
    expect(serials[0]).not.toBe(serials[1]);
    expect(openssl('verify', '-CAfile', pki.caCert, pki.apiserverCert, pki.adminCert)).toBe(
      `${pki.apiserverCert}: OK\n${pki.adminCert}: OK`,
    );
    expect(openssl('x509', '-in', pki.adminCert, '-noout', '-subject')).toBe('subject=O = system:masters, CN = gantry-admin');
  });
});
