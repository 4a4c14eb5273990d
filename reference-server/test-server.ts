// reference-server/test-server.ts: the reference server in test mode for the duration of one test file,
// with a Kit pointed at it (the set-up every HTTP test of the server shares).
import { afterAll, beforeAll } from 'vitest';
import { startServer, type RunningServer } from './server.js';
import { Kit } from './testkit.js';

/** Starts the server before the file's tests and closes it after; `use` receives the kit once it runs. */
export function useReferenceServer(use: (kit: Kit) => void): void {
  let server: RunningServer;
  beforeAll(async () => {
    server = await startServer({ testMode: true });
    use(new Kit(server.url));
  });
  afterAll(async () => {
    await server.close();
  });
}
