import { readFileSync } from 'node:fs';
import { formatNumber, formatTable } from './stats.js';

/** A short reading of a V8 .cpuprofile (from `--profile`): where the server's busy time went. */

interface ProfileNode {
  readonly id: number;
  readonly callFrame: { readonly functionName: string; readonly url: string; readonly lineNumber: number };
  readonly children?: readonly number[];
}

interface CpuProfile {
  readonly nodes: readonly ProfileNode[];
  readonly samples: readonly number[];
  readonly timeDeltas: readonly number[];
}

/** Which part of the system a script belongs to: our source folders, a package, or Node itself. */
export function areaOf(url: string): string {
  if (url === '') return '(native / vm)';
  if (url.startsWith('node:')) return 'node internals';
  const pkg = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (pkg) return pkg[1]!;
  const ours = /\/(src|bench|bin)\/([^/]+)/.exec(url);
  if (ours) return ours[1] === 'src' ? `src/${ours[2]}` : ours[1]!;
  return url;
}

const IDLE = new Set(['(idle)', '(program)']);

export interface ProfileSummary {
  /** Sampled time that was not idle, in milliseconds. */
  readonly busyMs: number;
  readonly text: string;
}

export function summarizeProfile(file: string, top: number): ProfileSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const keyOf = (n: ProfileNode) => {
    const f = n.callFrame;
    const short = f.url.replace(/^.*\/(node_modules|src|bench|bin)\//, '$1/');
    return `${f.functionName || '(anonymous)'}  ${short}${f.url ? `:${f.lineNumber + 1}` : ''}`;
  };
  const self = new Map<string, number>();
  const total = new Map<string, number>();
  const areas = new Map<string, number>();
  let busy = 0;
  profile.samples.forEach((id, i) => {
    const dt = profile.timeDeltas[i] ?? 0;
    const node = byId.get(id)!;
    if (IDLE.has(node.callFrame.functionName)) return;
    busy += dt;
    self.set(keyOf(node), (self.get(keyOf(node)) ?? 0) + dt);
    areas.set(areaOf(node.callFrame.url), (areas.get(areaOf(node.callFrame.url)) ?? 0) + dt);
    // Inclusive time: each function once per sample, however often it recurses.
    const seen = new Set<string>();
    for (let n: number | undefined = id; n !== undefined; n = parent.get(n)) {
      const k = keyOf(byId.get(n)!);
      if (seen.has(k)) continue;
      seen.add(k);
      total.set(k, (total.get(k) ?? 0) + dt);
    }
  });
  const rows = (m: Map<string, number>, n: number, filter: (k: string) => boolean = () => true) =>
    [...m]
      .filter(([k]) => filter(k))
      .sort((a, b) => b[1] - a[1])
      .slice(0, n)
      .map(([k, us]) => [formatNumber(us / 1000), `${formatNumber((us / busy) * 100, 1)}%`, k]);
  return {
    busyMs: busy / 1000,
    text: [
      `busy ${formatNumber(busy / 1000)} ms of the samples (idle left out)`,
      formatTable(['self ms', 'busy', 'area'], rows(areas, 15), ['right', 'right', 'left']),
      '',
      formatTable(['self ms', 'busy', 'function (self time)'], rows(self, top), ['right', 'right', 'left']),
      '',
      formatTable(
        ['total ms', 'busy', 'function of ours (inclusive time)'],
        rows(total, top, (k) => /\s(src|bench)\//.test(k)),
        ['right', 'right', 'left'],
      ),
    ].join('\n'),
  };
}
