/**
 * Runs scan work written as a generator (it `yield`s between slices of bounded
 * cost) either to the end at once or in slices that give the event loop back between
 * them, under a per-request budget of scan time.
 */

/** How much one request's scan may cost. */
export type ScanBudget = {
  /** By default, 500 ms of scan time (not waiting time) per request: a MiB of the
   * worst input measured costs under 50 ms, so only a pathological case reaches it. */
  maxScanMs: number;
  /** By default, at most 4 ms of work between yields: other clients' requests (and
   * `/healthz`) wait no longer than that for the event loop. */
  sliceMs: number;
};

const DEFAULT_BUDGET: ScanBudget = { maxScanMs: 500, sliceMs: 4 };

/** The result shape the scan generators return. */
export type SlicedResult = { findings: { kind: string; where: string }[]; incomplete: string[] };

/** Runs `work` synchronously to its end (still bounded by the scan budget).
 * `partial` is the result object `work` fills in as it goes: what an early stop returns. */
export function runToEnd(work: Generator<void, void>, partial: SlicedResult, budget: Partial<ScanBudget> = {}): SlicedResult {
  const { maxScanMs } = { ...DEFAULT_BUDGET, ...budget };
  const started = performance.now();
  for (;;) {
    if (work.next().done === true) return partial;
    if (performance.now() - started > maxScanMs) return stopped(work, partial);
  }
}

/** Ends `work` early: its partial result, marked `scan-budget`. */
function stopped(work: Generator<void, void>, partial: SlicedResult): SlicedResult {
  work.return();
  partial.incomplete.push("scan-budget");
  return partial;
}

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Runs `work` in slices of about `sliceMs`, yielding to the event loop between them. */
export async function runSliced(work: Generator<void, void>, partial: SlicedResult, budget: Partial<ScanBudget> = {}): Promise<SlicedResult> {
  const { maxScanMs, sliceMs } = { ...DEFAULT_BUDGET, ...budget };
  let spent = 0;
  for (;;) {
    const sliceStart = performance.now();
    for (;;) {
      if (work.next().done === true) return partial;
      if (performance.now() - sliceStart >= sliceMs) break;
    }
    spent += performance.now() - sliceStart;
    if (spent > maxScanMs) return stopped(work, partial);
    await yieldToLoop();
  }
}
