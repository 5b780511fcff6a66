import { spawn, type ChildProcess } from "node:child_process";

const root = new URL("../../", import.meta.url).pathname;
const node = `${root}node_modules/.bin/node`;

/** Starts a child that shares the terminal, with each line tagged by its name. */
export function startProcess(name: string, args: string[], env: Record<string, string>): ChildProcess {
  const child = spawn(node, args, {
    cwd: root,
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  for (const stream of [child.stdout, child.stderr]) {
    stream?.setEncoding("utf8");
    stream?.on("data", (chunk: string) => {
      for (const line of chunk.split("\n")) if (line.trim()) console.log(`${name.padEnd(7)}| ${line}`);
    });
  }
  child.on("exit", (code, signal) => {
    if (code !== 0 && signal === null) console.error(`${name} exited with code ${code}`);
  });
  return child;
}

/** The built web app and the workers, with the Shopify stand-in in the same process. */
export function startWeb(env: Record<string, string>): ChildProcess {
  return startProcess("web", ["--import", "tsx", "scripts/demo/web.ts"], env);
}

export async function waitForHttp(url: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    try {
      if ((await fetch(url)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer within ${timeoutMs / 1000}s`);
}
