// Summarizes V8 CPU profiles (from `npm run bench -- --cpu-prof DIR`):
//   node test/dist/bench/profile-summary.js <file.cpuprofile>... [--top N] [--focus REGEX]...
// prints where the process spent its samples: by package (self time), the
// top functions (self time), and for each --focus pattern the share of
// samples with a matching frame anywhere on the stack (inclusive time).
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

function packageOf(url: string): string {
  if (url === '') return '(native/gc/idle)';
  if (url.startsWith('node:')) return 'node:' + (url.slice(5).split('/')[0] ?? '');
  const modules = url.lastIndexOf('/node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + '/node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1] ?? ''}` : (rest[0] ?? url);
  }
  const crucible = /\/(libs|services|test)\/([^/]+)\//.exec(url);
  return crucible ? `${crucible[1]}/${crucible[2]}` : url;
}

function summarize(file: string, top: number, focus: readonly RegExp[]): void {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((node) => [node.id, node]));
  const parent = new Map<number, number>();
  for (const node of profile.nodes)
    for (const child of node.children ?? []) parent.set(child, node.id);
  const selfUs = new Map<number, number>();
  profile.samples.forEach((id, i) =>
    selfUs.set(id, (selfUs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0)),
  );

  let total = 0;
  let idle = 0;
  const byPackage = new Map<string, number>();
  const byFunction = new Map<string, number>();
  const focusUs = focus.map(() => 0);
  for (const [id, us] of selfUs) {
    const node = byId.get(id)!;
    const name = node.callFrame.functionName;
    if (name === '(idle)' || name === '(program)') {
      idle += name === '(idle)' ? us : 0;
      if (name === '(idle)') continue;
    }
    total += us;
    const pkg = name === '(garbage collector)' ? '(gc)' : packageOf(node.callFrame.url);
    byPackage.set(pkg, (byPackage.get(pkg) ?? 0) + us);
    const fn = `${name || '(anonymous)'} ${pkg}:${node.callFrame.lineNumber + 1}`;
    byFunction.set(fn, (byFunction.get(fn) ?? 0) + us);
    // Inclusive: a sample counts once for a pattern matching any frame of its stack.
    const stack: string[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const frame = byId.get(at)!.callFrame;
      stack.push(`${frame.functionName} ${frame.url}`);
    }
    focus.forEach((pattern, i) => {
      if (stack.some((frame) => pattern.test(frame))) focusUs[i]! += us;
    });
  }
  const pct = (us: number): string => `${((100 * us) / total).toFixed(1).padStart(5)}%`;
  const list = (title: string, entries: Map<string, number>): void => {
    console.log(`  ${title}`);
    for (const [key, us] of [...entries].sort((a, b) => b[1] - a[1]).slice(0, top)) {
      console.log(`    ${pct(us)}  ${(us / 1000).toFixed(0).padStart(7)} ms  ${key}`);
    }
  };
  console.log(`${file}: busy ${(total / 1000).toFixed(0)} ms, idle ${(idle / 1000).toFixed(0)} ms`);
  list('self time by package', byPackage);
  list('self time by function', byFunction);
  if (focus.length > 0) {
    console.log('  inclusive time (samples with a matching frame)');
    focus.forEach((pattern, i) => console.log(`    ${pct(focusUs[i]!)}  ${String(pattern)}`));
  }
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    top: { type: 'string', default: '15' },
    focus: { type: 'string', multiple: true, default: [] },
  },
});
for (const file of positionals)
  summarize(
    file,
    Number(values.top),
    (values.focus ?? []).map((f) => new RegExp(f)),
  );
