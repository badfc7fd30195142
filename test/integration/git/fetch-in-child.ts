// Run by git-mirror-concurrency.test.ts in separate processes: `node --import tsx fetch-in-child.ts <cacheDir> <url> <sha>`.
// Exits 0 when the commit is in the mirror afterwards; prints the error and exits 1 otherwise.
import { GitMirror } from '../../../adapters/git/index.js';

const [cacheDir, url, sha] = process.argv.slice(2);
if (cacheDir === undefined || url === undefined || sha === undefined) throw new Error('usage: fetch-in-child <cacheDir> <url> <sha>');
try {
  const repo = await new GitMirror({ cacheDir }).fetch(url, sha);
  process.exitCode = (await repo.hasCommit(sha)) ? 0 : 1;
} catch (error) {
  process.stderr.write(`${String(error)}\n`);
  process.exitCode = 1;
}
