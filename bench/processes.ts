import { spawn } from "node:child_process";
import { openSync, closeSync, readFileSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { onCleanup } from "./cleanup";
import { bin, repoRoot } from "./paths";

export interface Child {
  name: string;
  pid: number;
  logPath: string;
  /** Set once the process has exited, whoever stopped it. */
  exitCode: () => number | string | null;
  /** SIGTERM, then SIGKILL if it has not exited within the grace period. */
  stop: () => Promise<void>;
  /** The last lines it logged, for error messages. */
  tail: (lines?: number) => string;
}

const STOP_GRACE_MS = 10_000;

/**
 * Starts a long-running child whose output goes straight to a file: piping
 * it through this process would cost CPU on the cores the load generator
 * shares.
 */
export function startChild(
  name: string,
  command: string,
  args: string[],
  env: NodeJS.ProcessEnv,
  logDir: string,
): Child {
  const logPath = join(logDir, `${name}.log`);
  const fd = openSync(logPath, "a");
  const child = spawn(command, args, { cwd: repoRoot, env, stdio: ["ignore", fd, fd] });
  closeSync(fd);
  if (child.pid === undefined) throw new Error(`could not start ${name} (${command})`);

  let exit: number | string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once("exit", (code, signal) => {
      exit = code ?? signal;
      resolve();
    });
  });

  const stop = onCleanup(`stop ${name}`, async () => {
    if (exit !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
    await exited;
    clearTimeout(timer);
  });

  return {
    name,
    pid: child.pid,
    logPath,
    exitCode: () => exit,
    stop,
    tail: (lines = 20) => readFileSync(logPath, "utf8").trimEnd().split("\n").slice(-lines).join("\n"),
  };
}

/**
 * Runs a bench script with tsx to completion (output to a log kept only if it
 * fails), throwing with the log's tail if it fails or outlives `timeoutMs`.
 */
export async function runScript(script: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<void> {
  const logDir = await mkdtemp(join(tmpdir(), "tally-bench-script-"));
  const child = startChild("script", bin("tsx"), [script], env, logDir);
  const deadline = Date.now() + timeoutMs;
  while (child.exitCode() === null) {
    if (Date.now() > deadline) {
      await child.stop();
      throw new Error(`${script} did not finish in time (log ${child.logPath}):\n${child.tail()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  if (child.exitCode() !== 0)
    throw new Error(`${script} failed (${child.exitCode()}, log ${child.logPath}):\n${child.tail()}`);
  await rm(logDir, { recursive: true, force: true });
}
