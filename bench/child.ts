// What every benchmark child process (bench/*-child.ts, the baseline server)
// does around its work: read what its parent passed in the environment, and
// end with its failure's stack and a non-zero exit code rather than silently.

/** A value the parent module `startedBy` passes in the environment. */
export function needEnv(name: string, startedBy: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: this module is started by ${startedBy}`);
  return value;
}

/**
 * Runs a child's `main`; on failure prints the stack and sets exit code 1.
 * Then `finish` closes what the child opened, and with `exit` the process
 * ends at once: BullMQ, msw or the pg pool can leave handles that keep the
 * event loop alive after closing.
 */
export function runChild(main: () => Promise<void>, finish: () => Promise<unknown>, exit = true): void {
  void main()
    .catch((error: unknown) => {
      console.error(error instanceof Error ? error.stack : String(error));
      process.exitCode = 1;
    })
    .finally(async () => {
      await finish();
      if (exit) process.exit();
    });
}
