// Races (`n2w conform --concurrency`): the linearizability search on histories made by hand, then real
// overlapping requests against the reference server, clean and with the seeded race faults, which the
// sequential harness cannot find and this must.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resolveConfig, resolveInterpretations } from '../machines/config.js';
import { startServer, type RunningServer } from '../reference-server/server.js';
import { conform, makeSetting } from './harness.js';
import { createHttpAdapter } from './http-adapter.js';
import { KNOWN_DIVERGENCES } from './known.js';
import { checkLinearizable, partition, type Operation, type SequentialSpec } from './linearizability.js';
import { formatTimeline, judgeHistory, RACE_SCENARIOS, racePopulation, raceHistorySchema, runCodeRace, runRace, type RaceHistory } from './races.js';

// ---- the search, on a register: write(v) answers ok, read() answers the value
type RegOp = Operation<{ write?: number }, number | 'ok'>;
const register: SequentialSpec<number, RegOp['input'], RegOp['result'] & {}> = {
  step: (v, op) => (op.input.write !== undefined ? (op.result === 'ok' ? op.input.write : null) : op.result === v ? v : null),
  stepUnanswered: (v, op) => op.input.write ?? v,
  key: (v) => String(v),
};
const op = (index: number, sentAt: number, answeredAt: number | null, input: RegOp['input'], result: RegOp['result']): RegOp => ({ index, sentAt, answeredAt, input, result });

describe('checkLinearizable', () => {
  it('finds the order of overlapping operations that explains them', () => {
    // read 1 overlaps write 1: it may come after it
    const v = checkLinearizable(register, 0, [op(0, 0, 10, { write: 1 }, 'ok'), op(1, 5, 15, {}, 1), op(2, 20, 30, {}, 1)]);
    expect(v.kind).toBe('linearizable');
    expect(v.kind === 'linearizable' && v.order).toEqual([0, 1, 2]);
  });

  it('refuses an order real time forbids: a read after a completed write sees it', () => {
    const v = checkLinearizable(register, 0, [op(0, 0, 10, { write: 1 }, 'ok'), op(1, 11, 15, {}, 0)]);
    expect(v.kind).toBe('not-linearizable');
    expect(v.kind === 'not-linearizable' && v.longest).toEqual([0]);
    // the same answers overlapping are fine: the read went first
    expect(checkLinearizable(register, 0, [op(0, 0, 10, { write: 1 }, 'ok'), op(1, 9, 15, {}, 0)]).kind).toBe('linearizable');
  });

  it('an operation without an answer may have taken effect, or not', () => {
    const lost = op(0, 0, null, { write: 1 }, null);
    expect(checkLinearizable(register, 0, [lost, op(1, 20, 30, {}, 1)]).kind).toBe('linearizable');
    expect(checkLinearizable(register, 0, [lost, op(1, 20, 30, {}, 0)]).kind).toBe('linearizable');
    expect(checkLinearizable(register, 0, [lost, op(1, 20, 30, {}, 2)]).kind).toBe('not-linearizable');
  });

  it('a search out of budget is inconclusive, never a pass', () => {
    const writes = Array.from({ length: 6 }, (_, i) => op(i, 0, 100, { write: i + 1 }, 'ok'));
    const v = checkLinearizable(register, 0, [...writes, op(6, 200, 210, {}, 99)], 10);
    expect(v).toMatchObject({ kind: 'inconclusive', budget: 10 });
    expect(checkLinearizable(register, 0, [...writes, op(6, 200, 210, {}, 99)]).kind).toBe('not-linearizable');
  });

  it('partition groups operations that share an object, transitively', () => {
    const ops = [op(0, 0, 1, {}, 0), op(1, 0, 1, {}, 0), op(2, 0, 1, {}, 0), op(3, 0, 1, {}, 0)];
    const objects = [['family:a'], ['stt:x', 'family:a'], ['stt:y'], ['family:b', 'stt:y']];
    expect(partition(ops, (o) => objects[o.index]!).map((g) => g.map((o) => o.index))).toEqual([[0, 1], [2, 3]]);
  });
});

// ---- against the reference server
let servers: Record<'clean' | 'racy-redemption' | 'racy-rotation', RunningServer>;
beforeAll(async () => {
  servers = {
    clean: await startServer({ port: 0, testMode: true }),
    'racy-redemption': await startServer({ port: 0, testMode: true, faults: ['racy-redemption'] }),
    'racy-rotation': await startServer({ port: 0, testMode: true, faults: ['racy-rotation'] }),
  };
});
afterAll(async () => { for (const s of Object.values(servers ?? {})) await s.close(); });

const adapterOf = (name: keyof typeof servers) => createHttpAdapter({ baseUrl: servers[name].url });
const scenario = (name: string) => RACE_SCENARIOS.find((s) => s.name === name)!;
async function histories(server: keyof typeof servers, name: string, n: number, concurrency = 4): Promise<RaceHistory[]> {
  const adapter = adapterOf(server);
  const out: RaceHistory[] = [];
  for (let h = 0; h < n; h++) out.push(await runRace(scenario(name), { adapter, concurrency, known: KNOWN_DIVERGENCES, seed: 1, history: h }));
  return out;
}

describe('races against the reference server', () => {
  it.each(RACE_SCENARIOS.map((s) => s.name))('the clean server passes many histories of %s', async (name) => {
    const hs = await histories('clean', name, 20);
    expect(hs.map((h) => h.verdict.kind)).toEqual(Array(20).fill('linearizable'));
    // the requests did overlap: in most histories some two were in flight at once
    const overlapping = hs.filter((h) => h.ops.some((a, i) => h.ops.some((b, j) => i !== j && a.sentAt < b.answeredAt! && b.sentAt < a.answeredAt!)));
    expect(overlapping.length).toBeGreaterThanOrEqual(15);
  });

  it.each([
    ['racy-redemption', 'parallel-redemption'],
    ['racy-rotation', 'parallel-rotation-in-leeway'],
    ['racy-rotation', 'parallel-rotation-outside-leeway'],
  ] as const)('the seeded fault %s fails %s: no order explains the answers', async (fault, name) => {
    const [h] = await histories(fault, name, 1);
    expect(h!.verdict.kind).toBe('not-linearizable');
    const lines = formatTimeline(h!);
    expect(lines).toHaveLength(h!.ops.length + 2);
    expect(lines.at(-1)).toMatch(/^the model explains at most #\d/);
    // saved and read back, the history is judged the same again, offline
    const saved = JSON.parse(JSON.stringify(h)) as RaceHistory;
    expect(raceHistorySchema.safeParse(saved).success).toBe(true);
    expect(judgeHistory(saved, KNOWN_DIVERGENCES)).toEqual(h!.verdict);
  });

  it.each(['racy-redemption', 'racy-rotation'] as const)('the sequential harness does not find %s, under its race scenario\'s configuration', async (fault) => {
    const sc = scenario(fault === 'racy-redemption' ? 'parallel-redemption' : 'parallel-rotation-outside-leeway');
    const setting = makeSetting(resolveConfig(sc.config), resolveInterpretations(), racePopulation(2));
    const r = await conform({ setting, adapter: adapterOf(fault), runs: 100, seed: 1, maxSteps: 10, known: KNOWN_DIVERGENCES });
    expect(r.kind).toBe('conformant');
  });

  it('one authorization code redeemed four times at once: the clean server answers one success', async () => {
    const r = await runCodeRace(adapterOf('clean'), 4);
    expect(r.kind).toBe('linearizable');
    expect(r.ops.map((o) => o.status).sort()).toEqual([200, 403, 403, 403]);
  });
});
