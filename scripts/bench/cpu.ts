/**
 * Who used the CPU during a benchmark run (Linux /proc): this process (the load generator), the app
 * processes, PostgreSQL (every other process under this one) and the rest of the machine (other
 * work on a shared machine: noise). On two cores this says which of them is the ceiling.
 */
import { readdirSync, readFileSync } from "node:fs";

const TICKS_PER_SECOND = 100;

interface ProcessStat {
  parent: number;
  cpuSeconds: number;
}

function stat(pid: number): ProcessStat | null {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, "utf8");
    // Fields after the parenthesised command name: state ppid … utime(14) stime(15).
    const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
    return { parent: Number(fields[1]), cpuSeconds: (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND };
  } catch {
    return null;
  }
}

function machineBusySeconds(): number {
  const cpu = readFileSync("/proc/stat", "utf8").split("\n")[0]!.trim().split(/\s+/).slice(1).map(Number);
  const idle = cpu[3]! + cpu[4]!;
  return (cpu.reduce((a, b) => a + b, 0) - idle) / TICKS_PER_SECOND;
}

export interface CpuSnapshot {
  perProcess: Map<number, ProcessStat>;
  machine: number;
  generator: number;
}

export function cpuSnapshot(): CpuSnapshot {
  const perProcess = new Map<number, ProcessStat>();
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const s = stat(Number(entry));
    if (s) perProcess.set(Number(entry), s);
  }
  const usage = process.cpuUsage();
  return { perProcess, machine: machineBusySeconds(), generator: (usage.user + usage.system) / 1e6 };
}

export interface CpuUse {
  /** CPU seconds over the interval. */
  generator: number;
  apps: number;
  postgres: number;
  others: number;
}

/** CPU used between two snapshots; processes under `appPids` are the app, other descendants PostgreSQL. */
export function cpuBetween(before: CpuSnapshot, after: CpuSnapshot, appPids: number[]): CpuUse {
  const under = (pid: number, roots: number[]): boolean => {
    for (let p = pid, hops = 0; p > 1 && hops < 64; p = after.perProcess.get(p)?.parent ?? 0, hops++) {
      if (roots.includes(p)) return true;
    }
    return false;
  };
  let apps = 0;
  let postgres = 0;
  for (const [pid, now] of after.perProcess) {
    if (pid === process.pid) continue;
    const used = now.cpuSeconds - (before.perProcess.get(pid)?.cpuSeconds ?? 0);
    if (under(pid, appPids)) apps += used;
    else if (under(pid, [process.pid])) postgres += used;
  }
  const generator = after.generator - before.generator;
  return {
    generator,
    apps,
    postgres,
    others: Math.max(0, after.machine - before.machine - generator - apps - postgres),
  };
}
