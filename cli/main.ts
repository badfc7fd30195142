#!/usr/bin/env node
// The `gantry` executable: process glue only; commands live in cli/<name>.ts and are listed in cli/dispatch.ts.
import { dispatch } from './dispatch.js';

process.exitCode = await dispatch(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
});
