// The order configurations are handed to workers (dispatchOrder): every configuration once, and the
// configurations that differ only in the fastest-varying flag far apart.
import { describe, expect, it } from 'vitest';
import { configurationSpace } from '../machines/config.js';
import { dispatchOrder } from './check.js';

describe('dispatch order', () => {
  const jobs = configurationSpace().map((config, index) => ({ index, config }));
  const order = dispatchOrder(jobs).map((j) => j.index);

  it('is a permutation of the jobs', () => {
    expect([...order].sort((a, b) => a - b)).toEqual(jobs.map((j) => j.index));
  });

  it('puts space neighbours that differ only in the last flag half the space apart', () => {
    const at = new Map(order.map((index, k) => [index, k]));
    for (let i = 0; i < jobs.length; i += 2) {
      // index i and i+1 differ only in web.enforce_online_refresh_tokens (the last dimension, two values)
      expect(Math.abs(at.get(i)! - at.get(i + 1)!)).toBe(jobs.length / 2);
    }
  });
});
