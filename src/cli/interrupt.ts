/**
 * Ctrl-C and SIGTERM during a command: the snapshot's lock is released, the temporaries of a save in progress
 * are removed, the spinner line is cleared, and the process exits 130 (SIGINT) or 143 (SIGTERM) with one line
 * on stderr. Commands that run until a signal (`serve`, `relay`) take the signals over and stop cleanly instead.
 * @module
 */

type Cleanup = () => Promise<void> | void;

const cleanups = new Set<Cleanup>();
let takenOver = false;
let interruptedBy: string | null = null;

/** True once a signal started the cleanup: the command's own failure (its snapshot closed under it) is not reported. */
export function interrupted(): boolean {
  return interruptedBy !== null;
}

/** Runs `fn` when the command is interrupted; returns the function that cancels it. */
export function onInterrupt(fn: Cleanup): () => void {
  cleanups.add(fn);
  return () => cleanups.delete(fn);
}

/** For commands that handle SIGINT and SIGTERM themselves. */
export function takeOverSignals(): void {
  takenOver = true;
}

/** Installs the handlers (the bin does, once). */
export function installInterruptHandlers(stderr: NodeJS.WritableStream & { isTTY?: boolean }): void {
  const on = (signal: 'SIGINT' | 'SIGTERM', code: number) => () => {
    if (takenOver || interruptedBy !== null) return;
    interruptedBy = signal;
    void (async () => {
      for (const fn of [...cleanups].reverse()) {
        try {
          await fn();
        } catch {
          // Best effort: the next cleanup (the lock) matters more than this one's failure.
        }
      }
      if (stderr.isTTY === true) stderr.write('\r\x1b[K');
      stderr.write(`stronghold: interrupted (${signal}); the snapshot is as its last complete save left it, and its lock is released\n`);
      process.exit(code);
    })();
  };
  process.on('SIGINT', on('SIGINT', 130));
  process.on('SIGTERM', on('SIGTERM', 143));
}
