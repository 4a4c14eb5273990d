// conformance/linearizability.ts: is a history of overlapping operations explained by some order of them,
// one at a time, that respects real time? Wing and Gong's search, with Lowe's memo of (operations taken,
// state) pairs so that a state reached twice is searched once. Generic over the sequential specification:
// races.ts gives the model's step, with the mapping of the ids each side named.

/** One operation of a history: when it was sent and answered (milliseconds, one clock), and its answer. */
export interface Operation<I, R> {
  /** 0-based index in the history */
  readonly index: number;
  readonly input: I;
  readonly sentAt: number;
  /**
   * null: no answer that says what happened (a 5xx, a timeout, a broken connection): the operation may
   * have taken effect at any time after it was sent, or not at all.
   */
  readonly answeredAt: number | null;
  readonly result: R | null;
}

/** The sequential object the history is judged against. */
export interface SequentialSpec<S, I, R> {
  /** the state after `op` taken on `state` when its answer is what the specification gives; null when not */
  step(state: S, op: Operation<I, R>): S | null;
  /** the state after an operation without an answer that took effect */
  stepUnanswered(state: S, op: Operation<I, R>): S;
  /** a key equal for states that answer every later operation alike (the memo's) */
  key(state: S): string;
}

export type Verdict =
  /** `order`: the indexes of the operations in an order that explains every answer (unanswered ones that took effect included) */
  | { kind: 'linearizable'; order: number[]; explored: number }
  /** `longest`: the longest order found that explained the answers as far as it went */
  | { kind: 'not-linearizable'; longest: number[]; explored: number }
  /** the search ran out of budget: not a pass */
  | { kind: 'inconclusive'; explored: number; budget: number };

/** Whether `a` answered before `b` was sent: then every order puts `a` first. */
const before = (a: Operation<unknown, unknown>, b: Operation<unknown, unknown>) => a.answeredAt !== null && a.answeredAt < b.sentAt;

/**
 * Searches for a linearization of `ops` from `initial`: depth first over the operations that no pending
 * answered operation must precede, memoizing (taken set, state key). `budget` bounds the nodes visited.
 */
export function checkLinearizable<S, I, R>(spec: SequentialSpec<S, I, R>, initial: S, ops: readonly Operation<I, R>[], budget = 100_000): Verdict {
  const n = ops.length;
  const answered = ops.filter((o) => o.answeredAt !== null).length;
  const seen = new Set<string>();
  const taken = new Array<boolean>(n).fill(false);
  const order: number[] = [];
  let longest: number[] = [];
  let explored = 0;
  let answeredTaken = 0;
  let outOfBudget = false;

  const search = (state: S): boolean => {
    if (answeredTaken === answered) return true;
    if (++explored > budget) { outOfBudget = true; return false; }
    const memo = `${taken.map((t) => (t ? 1 : 0)).join('')}|${spec.key(state)}`;
    if (seen.has(memo)) return false;
    seen.add(memo);
    for (let i = 0; i < n; i++) {
      if (taken[i]) continue;
      const op = ops[i]!;
      // minimal: no operation still to take answered before this one was sent
      if (ops.some((q, j) => !taken[j] && j !== i && before(q, op))) continue;
      const next = op.answeredAt === null ? spec.stepUnanswered(state, op) : spec.step(state, op);
      if (next === null) continue;
      taken[i] = true;
      order.push(i);
      if (op.answeredAt !== null) answeredTaken++;
      if (order.length > longest.length) longest = [...order];
      if (search(next)) return true;
      if (op.answeredAt !== null) answeredTaken--;
      order.pop();
      taken[i] = false;
      if (outOfBudget) return false;
    }
    return false;
  };
  if (search(initial)) return { kind: 'linearizable', order: [...order], explored };
  return outOfBudget ? { kind: 'inconclusive', explored, budget } : { kind: 'not-linearizable', longest, explored };
}

/**
 * The operations in groups that share no object (`objects` names what an operation reads or changes:
 * a refresh-token family, a transfer token): each group is checked on its own, which a history of
 * independent objects allows (linearizability is local), and the search shrinks from the product to the sum.
 */
export function partition<I, R>(ops: readonly Operation<I, R>[], objects: (op: Operation<I, R>) => readonly string[]): Operation<I, R>[][] {
  const parent = ops.map((_, i) => i);
  const find = (i: number): number => (parent[i] === i ? i : (parent[i] = find(parent[i]!)));
  const owner = new Map<string, number>();
  ops.forEach((op, i) => {
    for (const o of objects(op)) {
      const j = owner.get(o);
      if (j === undefined) owner.set(o, i);
      else parent[find(i)] = find(j);
    }
  });
  const groups = new Map<number, Operation<I, R>[]>();
  ops.forEach((op, i) => { const r = find(i); groups.set(r, [...(groups.get(r) ?? []), op]); });
  return [...groups.values()];
}
