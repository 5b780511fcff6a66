// Scratch databases, child processes and Redis keys must go away however the
// run ends: normally, on an error, or on Ctrl-C.

type Action = { what: string; run: () => Promise<void> };

const actions: Action[] = [];
let running: Promise<void> | undefined;

/** Registers an undo step; steps run newest first. Returns a handle to run it early. */
export function onCleanup(what: string, run: () => Promise<void>): () => Promise<void> {
  const action = { what, run };
  actions.push(action);
  return async () => {
    const index = actions.indexOf(action);
    if (index === -1) return;
    actions.splice(index, 1);
    await run();
  };
}

/** Runs every pending step once, reporting (not throwing) failures so the rest still run. */
export function cleanUp(): Promise<void> {
  running ??= (async () => {
    while (actions.length > 0) {
      const action = actions.pop()!;
      try {
        await action.run();
      } catch (error) {
        console.error(`cleanup: could not ${action.what}: ${(error as Error).message}`);
      }
    }
  })();
  return running;
}

for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`\n${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(130));
  });
}
