// CPU time of the processes the benchmark starts, from /proc/<pid>/stat (Linux only). Unlike
// requests/s, CPU time per request hardly depends on how much CPU the VM lets the process have, so it
// stays comparable when the machine is noisy.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs';
import type { Child } from './child-processes.ts';

export interface CpuTicks {
  /** Field 14 of /proc/<pid>/stat: user-mode time of all the process's threads, in clock ticks. */
  user: number;
  /** Field 15: kernel-mode time, in clock ticks. */
  system: number;
}

export interface ProcessCheck {
  name: string;
  pid: number;
  /** /proc/<pid>/exe, which must be this Node binary. */
  executable: string;
  /** Processes whose parent is `pid` when checked: their CPU time is not counted. */
  childProcesses: string[];
}

/** Whether /proc/<pid>/stat can be read here; when not, CPU figures are left out. */
export function procAvailable(): boolean {
  return process.platform === 'linux' && existsSync('/proc/self/stat');
}

/** `getconf CLK_TCK`, the unit of the stat fields (100 on practically every Linux). */
export function clockTicksPerSecond(): number {
  const output = execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim();
  const value = Number(output);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`getconf CLK_TCK printed "${output}"`);
  return value;
}

interface StatLine {
  comm: string;
  ppid: number;
  ticks: CpuTicks;
}

function readStat(pid: number): StatLine {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Field 2 is the command name in parentheses and may itself contain spaces or parentheses, so the
  // remaining fields are counted from the last ')'.
  const close = text.lastIndexOf(')');
  const comm = text.slice(text.indexOf('(') + 1, close);
  const rest = text
    .slice(close + 2)
    .trim()
    .split(' ');
  // rest[0] is field 3, so field N is rest[N - 3].
  const field = (n: number): number => {
    const value = Number(rest[n - 3]);
    if (!Number.isInteger(value)) throw new Error(`/proc/${pid}/stat field ${n} is not a number: ${text}`);
    return value;
  };
  return { comm, ppid: field(4), ticks: { user: field(14), system: field(15) } };
}

export function readCpuTicks(pid: number): CpuTicks {
  return readStat(pid).ticks;
}

function childProcessesOf(pid: number): string[] {
  const found: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readStat(Number(entry));
      if (stat.ppid === pid) found.push(`${entry} (${stat.comm})`);
    } catch {
      // Exited while scanning.
    }
  }
  return found;
}

/**
 * Makes sure the pid whose CPU time is read is the Node process serving requests, not a wrapper
 * (a shell, `npx`, the tsx CLI) whose own CPU time would be near zero. The benchmark spawns
 * `node --import tsx <entry>` directly, so /proc/<pid>/exe must be the Node binary running this
 * script. Children of that process (if any) are listed, because their CPU time is not counted.
 */
export function checkNodeProcess(child: Child): ProcessCheck {
  const pid = child.process.pid;
  if (pid === undefined) throw new Error(`${child.name} has no pid`);
  const executable = readlinkSync(`/proc/${pid}/exe`);
  const node = realpathSync(process.execPath);
  if (executable !== node) {
    throw new Error(
      `${child.name} (pid ${pid}) runs ${executable}, not ${node}: its CPU time would not be the server's`,
    );
  }
  readStat(pid);
  return { name: child.name, pid, executable, childProcesses: childProcessesOf(pid) };
}
