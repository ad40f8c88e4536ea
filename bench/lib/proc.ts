import { readFileSync } from 'node:fs';

/** What Linux says about another process (/proc); null elsewhere or once it is gone. */

const TICKS_PER_SECOND = 100;

/** User plus system CPU time the process has used, in milliseconds (10 ms resolution). */
export function cpuTimeMs(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name, which is in parentheses and may contain spaces.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND) * 1000;
  } catch {
    return null;
  }
}

/** Peak (VmHWM) and current (VmRSS) resident memory in bytes. */
export function residentMemory(pid: number): { peakRssBytes: number; rssBytes: number } | null {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? Number.NaN) * 1024;
    return { peakRssBytes: kb('VmHWM'), rssBytes: kb('VmRSS') };
  } catch {
    return null;
  }
}
