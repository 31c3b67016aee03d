// Messages between the peer bench and its children (IPC, advanced
// serialization so latencies travel as a Float64Array).
import type { LoadResult } from '../gateway/load-protocol';

/** What a side runs: our messaging, Moleculer's, or nats.js used directly (no framework). */
export type PeerFramework = 'ours' | 'moleculer' | 'bare';

/** Which framework a child runs, and whether it answers or calls. */
export type PeerRole = `${PeerFramework}-${'server' | 'client'}`;

/** What every child needs, from the PEER_CONFIG environment variable. */
export interface PeerConfig {
  natsUrl: string;
  /** NATS subject prefix (ours, bare) and Moleculer namespace: this run's alone. */
  prefix: string;
  /** Our side's schemas folder (bench-catalog.ts). */
  catalogDir: string;
  /** The text the callers send, with `#<n>` appended per call. */
  baseText: string;
}

export interface PeerJob {
  concurrency: number;
  /** Calls made but not recorded, to warm JITs and connections. */
  warmupMs: number;
  measureMs: number;
}

export type ToPeerChild =
  { type: 'run'; id: number; job: PeerJob } | { type: 'probe'; id: number; text: string };

export type FromPeerChild =
  | { type: 'ready' }
  | { type: 'result'; id: number; result: LoadResult }
  | { type: 'probed'; id: number; hash: string }
  | { type: 'failed'; id: number; message: string };
