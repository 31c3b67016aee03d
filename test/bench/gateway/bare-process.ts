// A part of the bare pipeline as a process of its own, for the processes
// topology: `node bare-process.js front|worker`, configured by BARE_CONFIG
// (and PORT for the front). Prints one JSON line `{"msg":"ready",...}` when
// it takes requests, and stops on SIGTERM, like the services' main.ts.
import { bareConfigFromEnv } from './bare-pipeline-config';
import { startBareFront } from './bare-front';
import { startBareWorker } from './bare-worker';

async function main(): Promise<void> {
  const role = process.argv[2];
  const config = bareConfigFromEnv(process.env);
  let stop: () => Promise<void>;
  if (role === 'front') {
    const front = await startBareFront(config, {
      host: '127.0.0.1',
      port: Number(process.env.PORT ?? 0),
    });
    stop = () => front.stop();
    console.log(JSON.stringify({ msg: 'ready', role, url: front.url }));
  } else if (role === 'worker') {
    const worker = await startBareWorker(config);
    stop = () => worker.stop();
    console.log(JSON.stringify({ msg: 'ready', role }));
  } else {
    throw new Error(`usage: bare-process.js front|worker (got ${String(role)})`);
  }
  process.once('SIGTERM', () => {
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error(error);
        process.exit(1);
      },
    );
  });
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
