import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

/** CPU seconds used so far, per process, from /proc (Linux); empty elsewhere. */
export type CpuSnapshot = ReadonlyMap<number, { comm: string; seconds: number }>;

// USER_HZ: the unit of utime/stime in /proc/<pid>/stat; 100 on every Linux ABI Node runs on.
const TICKS_PER_SECOND = 100;

function pids(): string[] {
  try {
    return readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return [];
  }
}

export function cpuSnapshot(): CpuSnapshot {
  const snapshot = new Map<number, { comm: string; seconds: number }>();
  for (const pid of pids()) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // comm may hold spaces and parentheses: it ends at the last ')'.
      const close = stat.lastIndexOf(')');
      const comm = stat.slice(stat.indexOf('(') + 1, close);
      const fields = stat.slice(close + 2).split(' ');
      // fields[0] is field 3 (state); utime and stime are fields 14 and 15.
      const ticks = Number(fields[11]) + Number(fields[12]);
      snapshot.set(Number(pid), { comm, seconds: ticks / TICKS_PER_SECOND });
    } catch {
      // the process ended meanwhile
    }
  }
  return snapshot;
}

/**
 * Groups by command name for processes no role names: every Postgres process
 * (backends of other databases should be given the role `other` by the
 * caller) and the NATS server, which is the machine's and may serve others.
 */
export const SERVER_COMMANDS: ReadonlySet<string> = new Set(['postgres', 'nats-server']);

/**
 * CPU seconds used between two snapshots, grouped: processes named in `roles`
 * by role, servers by command name (SERVER_COMMANDS), anything else as
 * `other`. Processes started in between count from zero; those that ended
 * are lost.
 */
export function cpuUsedBetween(
  before: CpuSnapshot,
  after: CpuSnapshot,
  roles: ReadonlyMap<number, string>,
): Map<string, number> {
  const used = new Map<string, number>();
  for (const [pid, now] of after) {
    const seconds = now.seconds - (before.get(pid)?.seconds ?? 0);
    if (seconds <= 0) continue;
    const group = roles.get(pid) ?? (SERVER_COMMANDS.has(now.comm) ? now.comm : 'other');
    used.set(group, (used.get(group) ?? 0) + seconds);
  }
  return used;
}

/** The pid of the process listening on a local TCP port (e.g. this run's Kafka broker), if it can be found. */
export function pidListeningOn(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      // sl local_address rem_address st ... inode (10th column)
      const columns = line.trim().split(/\s+/);
      if (columns[1]?.endsWith(`:${hexPort}`) && columns[3] === '0A' && columns[9] !== undefined)
        inodes.add(columns[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const pid of pids()) {
    let fds: string[];
    try {
      fds = readdirSync(`/proc/${pid}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
        if (target.startsWith('socket:[') && inodes.has(target.slice(8, -1))) return Number(pid);
      } catch {
        // closed meanwhile
      }
    }
  }
  return undefined;
}
