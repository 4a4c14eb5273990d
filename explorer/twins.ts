// explorer/twins.ts: events that differ only in fields the processing of an earlier one never read are
// processed as that one was, and only counted.
import type { ModelEvent } from '../machines/events.js';
import { variantDiff, WATCHED, type EventEnumerator } from './enumerate.js';

/**
 * Twins among the events of one world (see EventEnumerator, WATCHED): per event, the watched fields its
 * processing read and the configurations (a bit set; 1 in explore()) for which it was kept within the
 * bounds. An event that differs from an earlier one of its group only in fields that one's processing
 * never read (and, for the method, gets the same answer from methodAllowed for every configuration
 * concerned, machines/events.ts) is processed as that one was, read for read: the same world after
 * (already known), the same verdicts and coverage (already recorded). Only its count is left to add.
 */
export class Twins {
  private read = new Int32Array(64);
  private keptIn = new Int32Array(64);
  /** `sameAllowance(x, y)`: methodAllowed answers alike for x and y in every configuration concerned */
  constructor(private readonly enumerator: EventEnumerator, private readonly sameAllowance: (x: ModelEvent, y: ModelEvent) => boolean) {}
  /** Call after enumerator.events(): makes room for its events. */
  expand(n: number): void {
    if (n > this.read.length) { this.read = new Int32Array(n * 2); this.keptIn = new Int32Array(n * 2); }
  }
  /** The earlier event that event k is a twin of, or -1. */
  of(events: readonly ModelEvent[], k: number): number {
    const { groupOffset, variant } = this.enumerator;
    const g = groupOffset[k];
    for (let j = k - g; j < k; j++) {
      const d = variantDiff(variant[j], variant[k]);
      if ((this.read[j] & d) === 0 && ((d & WATCHED.method) === 0 || this.sameAllowance(events[j], events[k]))) return j;
    }
    return -1;
  }
  /** Event k was processed: the watched fields it read, and where it was kept. */
  record(k: number, read: number, kept: number): void { this.read[k] = read; this.keptIn[k] = kept; }
  /** Event k is a twin of `twin`: it takes twin's record; returns where it was kept. */
  copy(k: number, twin: number): number { this.read[k] = this.read[twin]; return (this.keptIn[k] = this.keptIn[twin]); }
}
