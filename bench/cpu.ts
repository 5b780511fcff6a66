// Where the two cores go during a phase: per-process CPU from /proc, grouped
// by role. With the load generator on the same box, this is what tells
// "the app is slow" apart from "the app is starved".
import { readdirSync, readFileSync } from "node:fs";

interface ProcessTicks {
  ppid: number;
  comm: string;
  ticks: number;
}

// /proc times are in clock ticks; USER_HZ is 100 on every Linux build we run on.
const TICKS_PER_SECOND = 100;

function readProcesses(): Map<number, ProcessTicks> {
  const processes = new Map<number, ProcessTicks>();
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    let stat: string;
    try {
      stat = readFileSync(`/proc/${name}/stat`, "utf8");
    } catch {
      continue; // exited between readdir and read
    }
    // comm is in parentheses and may itself contain spaces or parentheses.
    const close = stat.lastIndexOf(")");
    const fields = stat.slice(close + 2).split(" ");
    processes.set(Number(name), {
      comm: stat.slice(stat.indexOf("(") + 1, close),
      ppid: Number(fields[1]),
      ticks: Number(fields[11]) + Number(fields[12]), // utime + stime
    });
  }
  return processes;
}

function busyTicks(): number {
  const values = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const [user = 0, nice = 0, system = 0, , , irq = 0, softirq = 0, steal = 0] = values;
  return user + nice + system + irq + softirq + steal;
}

export interface CpuRoles {
  /** Root pids whose whole process tree belongs to the role (tsx runs the worker in a child). */
  trees: Record<string, number[]>;
  /** Single pids that belong to a role (this run's PostgreSQL backends). */
  pids: Record<string, number[]>;
  /** Roles recognised by process name. */
  comms: Record<string, string>;
}

export type CpuUsage = Array<{ role: string; percentOfCore: number; cpuMs: number }>;

export interface CpuMeter {
  /** CPU per role since the meter started, in % of one core; "other" is the rest of the box's busy time. */
  stop: (roles: CpuRoles) => CpuUsage;
}

export function startCpuMeter(): CpuMeter {
  const before = readProcesses();
  const busyBefore = busyTicks();
  const startedAt = process.hrtime.bigint();
  return {
    stop(roles) {
      const after = readProcesses();
      const seconds = Number(process.hrtime.bigint() - startedAt) / 1e9;
      const busy = busyTicks() - busyBefore;
      const byPid = new Map(
        Object.entries(roles.pids).flatMap(([role, pids]) => pids.map((pid) => [pid, role] as const)),
      );
      const byRoot = new Map(
        Object.entries(roles.trees).flatMap(([role, pids]) => pids.map((pid) => [pid, role] as const)),
      );
      const roleOf = (pid: number): string | undefined => {
        const direct = byPid.get(pid);
        if (direct) return direct;
        for (let current = pid; current > 1; current = after.get(current)?.ppid ?? 0) {
          const role = byRoot.get(current);
          if (role) return role;
        }
        const comm = after.get(pid)?.comm;
        return Object.entries(roles.comms).find(([, name]) => name === comm)?.[0];
      };

      const ticks = new Map<string, number>(
        [...Object.keys(roles.trees), ...Object.keys(roles.pids), ...Object.keys(roles.comms)].map((role) => [
          role,
          0,
        ]),
      );
      let attributed = 0;
      for (const [pid, now] of after) {
        const role = roleOf(pid);
        if (!role) continue;
        // A process that started during the phase spent all its time in it.
        const used = now.ticks - (before.get(pid)?.ticks ?? 0);
        ticks.set(role, ticks.get(role)! + used);
        attributed += used;
      }
      ticks.set("other", Math.max(0, busy - attributed));
      return [...ticks].map(([role, t]) => ({
        role,
        percentOfCore: Math.round((t / TICKS_PER_SECOND / seconds) * 100),
        cpuMs: (t / TICKS_PER_SECOND) * 1000,
      }));
    },
  };
}
