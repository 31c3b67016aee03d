import { join } from 'node:path';
import { startComponentsService } from '@crucible/components';
import { startGateway } from '@crucible/gateway';
import { connectInfrastructure, type Infrastructure, type Stoppable } from '@crucible/runtime';
import { createLogger } from '@crucible/telemetry';
import { testGatewaySettings } from '../../support/auth';
import { REPO_ROOT } from '../bench-paths';
import { startBareFront } from './bare-front';
import { bareConfigToEnv, type BareConfig } from './bare-pipeline-config';
import { startBareWorker } from './bare-worker';
import { startChildService, type ChildService } from './child-service';

/**
 * processes: the HTTP front and the NATS worker each in a process of their
 * own (ours: node services/<name>/dist/main.js, as deployed, telemetry
 * included); in-process: both inside the bench process (ours: the
 * startComponentsService + startGateway of the integration tests).
 */
export type Topology = 'processes' | 'in-process';

/** A pipeline taking HTTP requests, and who does its work (for CPU accounting). */
export interface RunningPipeline {
  readonly url: string;
  /** pid -> role, e.g. gateway, components, front, worker. */
  readonly roles: ReadonlyMap<number, string>;
  stop(): Promise<void>;
}

/** How to start the processes of a pipeline. */
export interface ProcessOptions {
  /** When set, each child process writes a V8 CPU profile into <dir>/<role>/ when it exits. */
  cpuProfileDir?: string;
}

function nodeOptionsFor(role: string, options: ProcessOptions): string[] {
  if (options.cpuProfileDir === undefined) return [];
  return ['--cpu-prof', '--cpu-prof-dir', join(options.cpuProfileDir, role)];
}

/** The servers of the run, shared by both pipelines. */
export interface Servers {
  databaseUrl: string;
  natsUrl: string;
  kafkaBrokers: readonly string[];
}

const logger = createLogger({ service: 'bench', level: 'error' });

/** Our pipeline: the gateway in front of the components service, on real Postgres, NATS and Kafka. */
export async function startOurPipeline(
  topology: Topology,
  servers: Servers,
  prefix: string,
  options: ProcessOptions = {},
): Promise<RunningPipeline> {
  if (topology === 'in-process') return startOursInProcess(servers, prefix);
  const env = {
    DATABASE_URL: servers.databaseUrl,
    NATS_URL: servers.natsUrl,
    KAFKA_BROKERS: servers.kafkaBrokers.join(','),
    CRUCIBLE_PREFIX: prefix,
    PORT: '0',
    LOG_LEVEL: 'info',
  };
  const service = (name: string): ChildService =>
    startChildService(
      name,
      join(REPO_ROOT, 'services', name, 'dist', 'main.js'),
      [],
      env,
      nodeOptionsFor(name, options),
    );
  const started: ChildService[] = [];
  try {
    const components = service('components');
    started.push(components);
    await components.waitForLog('ready');
    const gateway = service('gateway');
    started.push(gateway);
    const url = String((await gateway.waitForLog('listening')).url);
    return {
      url,
      roles: new Map([
        [gateway.pid ?? -1, 'gateway'],
        [components.pid ?? -1, 'components'],
      ]),
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function startOursInProcess(servers: Servers, prefix: string): Promise<RunningPipeline> {
  let infra: Infrastructure | undefined;
  const parts: Stoppable[] = [];
  const stop = async (): Promise<void> => {
    try {
      for (const part of parts.reverse()) await part.stop();
    } finally {
      await infra?.close();
    }
  };
  try {
    infra = await connectInfrastructure({
      databaseUrl: servers.databaseUrl,
      natsUrl: servers.natsUrl,
      kafkaBrokers: [...servers.kafkaBrokers],
      prefix,
      clientName: `bench-${process.pid}`,
      logger,
    });
    parts.push(await startComponentsService(infra));
    const gateway = await startGateway(infra, testGatewaySettings());
    parts.push(gateway);
    return {
      url: gateway.url,
      roles: new Map([[process.pid, 'bench (gateway+components)']]),
      stop,
    };
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The bare pipeline in the same topology as ours. */
export async function startBarePipeline(
  topology: Topology,
  config: BareConfig,
  options: ProcessOptions = {},
): Promise<RunningPipeline> {
  if (topology === 'in-process') {
    const worker = await startBareWorker(config);
    try {
      const front = await startBareFront(config, { host: '127.0.0.1', port: 0 });
      return {
        url: front.url,
        roles: new Map([[process.pid, 'bench (front+worker)']]),
        async stop() {
          try {
            await front.stop();
          } finally {
            await worker.stop();
          }
        },
      };
    } catch (error) {
      await worker.stop();
      throw error;
    }
  }
  const script = join(__dirname, 'bare-process.js');
  const env = { ...bareConfigToEnv(config), PORT: '0' };
  const started: ChildService[] = [];
  try {
    const worker = startChildService(
      'bare worker',
      script,
      ['worker'],
      env,
      nodeOptionsFor('bare-worker', options),
    );
    started.push(worker);
    await worker.waitForLog('ready');
    const front = startChildService(
      'bare front',
      script,
      ['front'],
      env,
      nodeOptionsFor('bare-front', options),
    );
    started.push(front);
    const url = String((await front.waitForLog('ready')).url);
    return {
      url,
      roles: new Map([
        [front.pid ?? -1, 'front'],
        [worker.pid ?? -1, 'worker'],
      ]),
      stop: () => stopAll(started),
    };
  } catch (error) {
    await stopAll(started);
    throw error;
  }
}

async function stopAll(children: readonly ChildService[]): Promise<void> {
  // The front first, so nothing sends to a worker that is already gone.
  for (const child of [...children].reverse()) await child.stop();
}
