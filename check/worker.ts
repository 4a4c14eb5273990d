// check/worker.ts: a worker thread of `n2w check`: checks the families of configurations the main thread
// sends, one message each ({ batch, family, given }: the batch's options, given[i] is configuration i's
// exploration when an equivalent configuration's is known), and posts their results back with the time taken.
import { parentPort, workerData } from 'node:worker_threads';
import type { Config } from '../machines/config.js';
import { ActionError } from '../machines/actions.js';
import { checkFamily, type CheckOptions, type ExplorerPart } from './check.js';

const { opts } = workerData as { opts: CheckOptions[] };
parentPort!.on('message', ({ batch, family, given }: { batch: number; family: { index: number; config: Config }[]; given: (ExplorerPart | undefined)[] }) => {
  try {
    // with the family's time in this thread, which progress measures the rest against
    const t0 = performance.now();
    const results = checkFamily(family, opts[batch], undefined, given);
    parentPort!.postMessage({ results, ms: performance.now() - t0 });
  } catch (e) {
    // a scenario error of the reviewer's Action crosses the thread as itself, not as an internal failure
    if (e instanceof ActionError) parentPort!.postMessage({ actionError: { file: e.file, call: e.call, detail: e.detail } });
    else throw e;
  }
});
