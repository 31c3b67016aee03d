// `npm run bench [-- options]`: runs every bench module in sequence, prints
// each figure beside its baseline from the same run (ratio, target, met),
// and saves everything to bench-results/<date>-<commit>.json. A missed
// target is information; the exit status is non-zero only when a bench
// could not run.
//
// Options:
//   --only hashing,gateway        which benches (default: all)
//   --topology processes|in-process|both   gateway topology (default processes)
//   --measure-ms N                gateway and peer: measured ms per side and scenario or concurrency (default 5000, peer 10000)
//   --warmup-ms N                 gateway: warm-up ms per round (default 250)
//   --scenarios put_new.c50,...   gateway: only these scenarios (default: all four)
//   --cpu-prof DIR                gateway (processes topology) and peer: V8 CPU profiles of each child process
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { testInfra } from '../support';
import { collectHeader, formatHeader } from './bench-header';
import { fromHashingFigures, type Figure } from './figures';
import { benchGateway, GATEWAY_BENCH_DEFAULTS, type Topology } from './gateway.bench';
import { benchEvaluation } from './evaluation.bench';
import { benchGovernance } from './governance.bench';
import { benchHashing } from './hashing.bench';
import { benchPeer } from './peer.bench';
import { benchScenarios } from './scenarios.bench';
import { benchWorlds } from './worlds.bench';
import { writeResults } from './results-file';
import { formatTable } from './results-table';

interface BenchModule {
  name: string;
  run(): Promise<Figure[]>;
}

const TOPOLOGIES: Record<string, readonly Topology[]> = {
  processes: ['processes'],
  'in-process': ['in-process'],
  both: ['processes', 'in-process'],
};

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      only: { type: 'string' },
      topology: { type: 'string', default: 'processes' },
      'measure-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      scenarios: { type: 'string' },
      'cpu-prof': { type: 'string' },
    },
  });
  const topologies = TOPOLOGIES[values.topology ?? 'processes'];
  if (topologies === undefined)
    throw new Error(`--topology must be one of ${Object.keys(TOPOLOGIES).join(', ')}`);
  const measureMs = optionalInt(values['measure-ms'], '--measure-ms');
  const warmupMs = optionalInt(values['warmup-ms'], '--warmup-ms');

  const modules: BenchModule[] = [
    { name: 'hashing', run: async () => fromHashingFigures(await benchHashing()) },
    {
      name: 'gateway',
      run: () =>
        benchGateway({
          topologies,
          measureMs,
          warmupMs,
          scenarios: values.scenarios?.split(',').map((id) => id.trim()),
          cpuProfileDir: values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof']),
        }),
    },
    { name: 'scenarios', run: () => benchScenarios() },
    {
      name: 'peer',
      run: () =>
        benchPeer({
          measureMs,
          warmupMs,
          cpuProfileDir:
            values['cpu-prof'] === undefined ? undefined : resolve(values['cpu-prof'], 'peer'),
        }),
    },
    { name: 'worlds', run: () => benchWorlds() },
    { name: 'governance', run: () => benchGovernance() },
    { name: 'evaluation', run: () => benchEvaluation() },
  ];
  const only = values.only?.split(',').map((name) => name.trim());
  const unknown = only?.filter((name) => !modules.some((m) => m.name === name)) ?? [];
  if (unknown.length > 0)
    throw new Error(
      `unknown bench ${unknown.join(', ')}; there are ${modules.map((m) => m.name).join(', ')}`,
    );
  const selected = modules.filter((m) => only === undefined || only.includes(m.name));

  const header = await collectHeader(testInfra());
  console.log(formatHeader(header));
  const figures: Figure[] = [];
  const errors: Array<{ bench: string; message: string }> = [];
  for (const module of selected) {
    const started = Date.now();
    console.error(`[bench] ${module.name} ...`);
    try {
      figures.push(...(await module.run()));
      console.error(
        `[bench] ${module.name}: done in ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
    } catch (error) {
      const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
      errors.push({ bench: module.name, message });
      console.error(`[bench] ${module.name} FAILED: ${message}`);
    }
  }

  console.log('');
  console.log(
    'ratio = ours / baseline; "better" says which way the ratio is good. Targets are informative.',
  );
  console.log(formatTable(figures));
  const settings = {
    only: selected.map((m) => m.name),
    gateway: {
      ...GATEWAY_BENCH_DEFAULTS,
      topologies,
      ...(measureMs === undefined ? {} : { measureMs }),
      ...(warmupMs === undefined ? {} : { warmupMs }),
      scenarios: values.scenarios ?? 'all',
      cpuProfile: values['cpu-prof'] !== undefined,
    },
  };
  const noise = machineNoise(figures);
  if (noise > NOISY_CORES) {
    console.log(
      `WARNING: unrelated processes used up to ${noise.toFixed(2)} cores while the gateway or peer bench ran; ` +
        'rerun on a quiet machine before trusting its ratios.',
    );
  }
  const file = writeResults(header, settings, figures, errors);
  console.log(`\nwritten to ${file}`);
  if (errors.length > 0) console.log(`failed: ${errors.map((e) => e.bench).join(', ')}`);
  return errors.length > 0 ? 1 : 0;
}

// Above this many cores used by unrelated processes, ratios are doubtful.
const NOISY_CORES = 0.1;

/** The most cores unrelated processes used during any measured side (see cpu-accounting.ts). */
function machineNoise(figures: readonly Figure[]): number {
  const values = figures.flatMap((figure) => [
    figure.detail?.other_cpu_cores ?? 0,
    figure.detail?.baseline_other_cpu_cores ?? 0,
  ]);
  return Math.max(0, ...values);
}

function optionalInt(raw: string | undefined, name: string): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0)
    throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

main().then(
  (code) => {
    process.exitCode = code;
    // Everything is closed by now; should a handle linger anyway, do not hang the run on it.
    setTimeout(() => process.exit(code), 5_000).unref();
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
