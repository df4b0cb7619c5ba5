#!/usr/bin/env node
/**
 * The `stronghold` bin: runs the command line with this process's streams and exits with its status.
 * @module
 */
import { main } from './run.js';

const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, {
  env: process.env, stdin: process.stdin, stderr: process.stderr,
});
// Exit once stdout has flushed: the snapshot is closed by now, and an idle stdin must not keep the process alive.
process.stdout.write('', () => process.exit(code));
