#!/usr/bin/env node
/**
 * The `stronghold` bin: runs the command line with this process's streams and exits with its status.
 * @module
 */
import { main } from './dispatch.js';
import { installInterruptHandlers, interrupted } from './interrupt.js';

// A reader that went away (`stronghold ls ... | head`) is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => process.exit(e.code === 'EPIPE' ? 0 : 10));

installInterruptHandlers(process.stderr);
const code = await main(process.argv.slice(2), { stdout: process.stdout, stderr: process.stderr }, {
  env: process.env, stdin: process.stdin, stderr: process.stderr,
});
// Exit once stdout has flushed: the snapshot is closed by now, and an idle stdin must not keep the process alive.
// After a signal, the interrupt handler exits once its cleanup is done.
if (!interrupted()) process.stdout.write('', () => process.exit(code));
