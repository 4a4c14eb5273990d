// engine/worker.ts: a worker thread of `n2w check`: checks the configurations the main thread sends, one
// message each ({ job, given }: given is the job's exploration when an equivalent configuration's is known),
// and posts each result back.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../machines/config.js';
import { checkConfiguration, type CheckOptions, type ExplorerPart } from './check.js';

const { opts } = workerData as { opts: CheckOptions };
parentPort!.on('message', ({ job, given }: { job: { index: number; config: Config }; given?: ExplorerPart }) => {
  parentPort!.postMessage(checkConfiguration(job.index, job.config, opts, undefined, given));
});
