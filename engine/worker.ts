// engine/worker.ts: a worker thread of `n2w check`: checks its slice of configurations, posting each result.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../machines/config.js';
import { checkConfiguration, type CheckOptions } from './check.js';

const { jobs, opts } = workerData as { jobs: { index: number; config: Config }[]; opts: CheckOptions };
for (const job of jobs) parentPort!.postMessage(checkConfiguration(job.index, job.config, opts));
