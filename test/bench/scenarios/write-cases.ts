// assemble_scenario, fork_scenario and get_scenario, each beside the raw
// statements of its store step (raw-statements.ts says what that leaves out)
// and, for a write that stores new components, the components service's
// statements for them (components-replay.ts).
import { captureComponents, type ComponentsReplay } from './components-replay';
import type { BenchPlatform } from './platform';
import { newManifestRows, rawBindings, rawWrite } from './raw-statements';
import { inlineAssembly, oneComponentFork } from './requests';
import type { Call } from './measure';

export interface WriteCase {
  name: string;
  ours: Call;
  baseline: Call;
  /**
   * NATS round trips the operation needs: the caller's, and its one
   * request to the components service (resolve_components or get_components).
   */
  roundTrips: number;
  /** The components service's statements in the baseline, if any (components-replay.ts). */
  components?: ComponentsReplay;
  /** Run untimed before the case's `count` calls (warm-up included). */
  prepare?: (count: number) => Promise<void>;
}

/**
 * The cases in the order they must run: get reads the scenarios the first
 * case assembled. `tag` keeps this run's content apart from any other's.
 */
export async function writeCases(platform: BenchPlatform, tag: string): Promise<WriteCase[]> {
  const { rpc, pg } = platform;
  const assembled: string[] = [];
  const reuseMarker = `${tag}-reuse`;
  const parent = await rpc.call('assemble_scenario', inlineAssembly(reuseMarker));
  const reuseRows = newManifestRows();
  await rawWrite(pg, reuseRows);
  // What the components service runs for a new assembly's 13 components, and
  // for a fork's new adjudicate text and profile (captured from calls of
  // their own, with markers the measured calls never use).
  const newComponents = await captureComponents(
    () => rpc.call('assemble_scenario', inlineAssembly(`${tag}-capture`)),
    'assemble.inline_new',
  );
  const forkComponents = await captureComponents(
    () =>
      rpc.call(
        'fork_scenario',
        oneComponentFork(parent.scenario_hash, reuseMarker, `${tag}-fork-capture`),
      ),
    'fork.one_component',
  );
  // Each get reads a scenario no get has read, so the components service
  // reads its 13 contents (its read cache has not seen them) every time, as
  // the floor does.
  const nth = (i: number): string => {
    const hash = assembled[i];
    if (hash === undefined) throw new Error(`get_scenario ${i}: no scenario assembled for it`);
    return hash;
  };
  let getComponents: ComponentsReplay | undefined;
  return [
    {
      // 13 new components and a new manifest each call.
      name: 'assemble.inline_new',
      ours: async (i) => {
        const reply = await rpc.call('assemble_scenario', inlineAssembly(`${tag}-new-${i}`));
        if (!reply.was_new_scenario) throw new Error('assemble.inline_new: scenario not new');
        assembled.push(reply.scenario_hash);
      },
      baseline: async () => {
        await newComponents.run(pg);
        await rawWrite(pg, newManifestRows());
      },
      roundTrips: 2,
      components: newComponents,
    },
    {
      // The same request again: every component, the manifest and the derivation reused.
      name: 'assemble.inline_reuse',
      ours: async () => {
        const reply = await rpc.call('assemble_scenario', inlineAssembly(reuseMarker));
        if (reply.was_new_scenario || reply.was_new_derivation)
          throw new Error('assemble.inline_reuse: something was new');
      },
      baseline: () => rawWrite(pg, reuseRows),
      roundTrips: 2,
      // Every component is known to the scenarios service already: it asks the components service nothing.
    },
    {
      // One new adjudicate text: one new component, one new profile, one new manifest.
      name: 'fork.one_component',
      ours: async (i) => {
        const reply = await rpc.call(
          'fork_scenario',
          oneComponentFork(parent.scenario_hash, reuseMarker, `${tag}-fork-${i}`),
        );
        if (!reply.was_new_scenario) throw new Error('fork.one_component: scenario not new');
      },
      baseline: async () => {
        await forkComponents.run(pg);
        await rawWrite(pg, newManifestRows(parent.scenario_hash));
      },
      roundTrips: 2,
      components: forkComponents,
    },
    {
      // Rebuilt in full: includes the components service's lookup of 13 contents.
      name: 'get.by_hash',
      ours: (i) => rpc.call('get_scenario', { hash: nth(i) }),
      baseline: async (i) => {
        await getComponents?.run(pg);
        await rawBindings(pg, nth(i));
      },
      roundTrips: 2,
      get components() {
        return getComponents;
      },
      // Enough scenarios never read for every call, and the components' read of one captured.
      prepare: async (count) => {
        for (let k = assembled.length; k < count; k++) {
          const reply = await rpc.call('assemble_scenario', inlineAssembly(`${tag}-get-${k}`));
          assembled.push(reply.scenario_hash);
        }
        const fresh = await rpc.call('assemble_scenario', inlineAssembly(`${tag}-get-capture`));
        getComponents = await captureComponents(
          () => rpc.call('get_scenario', { hash: fresh.scenario_hash }),
          'get.by_hash',
          'reads',
        );
      },
    },
  ];
}
