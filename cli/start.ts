// cli/start.ts: imported first by main.ts, so that this sample is taken before the other modules load:
// the span up to a check's plan is then long enough to tell how busy other processes keep the machine.
import { cpuSample } from './progress.js';

export const startSample = cpuSample();
