/**
 * Runs scan work written as a generator (it `yield`s between slices of bounded
 * cost) either to the end at once, or through one gate-wide scheduler that runs
 * slices of all pending scans round-robin for at most {@link ScanBudget.sliceMs} per
 * event-loop turn, then gives the loop back. Fair and bounded however many clients
 * scan at once: with a per-scan yield instead, 8 concurrent scans each took a slice
 * per turn and `/healthz` waited for all 8 (issue 9, finding 5).
 */

/** How much one request's scan may cost, and how long the loop is held. */
export type ScanBudget = {
  /** By default, 500 ms of scan time (not waiting time) per request: a MiB of the
   * worst input measured costs far less, so only a pathological case reaches it. */
  maxScanMs: number;
  /** By default, at most 2 ms of scan work (plus the slice in progress) per turn of
   * the event loop, across all scans: other requests wait no longer than that. (4 ms
   * gave `/healthz` under 8 hostile clients a p50 of 3.6–6.3 ms, 2 ms 2.5–3.0 ms; the
   * p99 was the loaded machine's either way.) */
  sliceMs: number;
};

/** By default, the scan time one request may cost. */
export const DEFAULT_SCAN_BUDGET_MS = 500;
const DEFAULT_BUDGET: ScanBudget = { maxScanMs: DEFAULT_SCAN_BUDGET_MS, sliceMs: 2 };

/** The result the scan generators fill in as they go. */
export type SlicedResult = { findings: { kind: string; where: string }[]; incomplete: string[] };

/** Runs `work` synchronously to its end (still bounded by the scan budget).
 * `partial` is the result object `work` fills in: what an early stop returns. */
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

type Job = { work: Generator<void, void>; partial: SlicedResult; maxScanMs: number; sliceMs: number; spent: number; done: (result: SlicedResult) => void };

const queue: Job[] = [];
let turnPending = false;

function scheduleTurn(): void {
  if (turnPending) return;
  turnPending = true;
  setImmediate(runTurn);
}

/** One event-loop turn of scanning: slices of the queued scans, round-robin, until
 * the turn's time is used (the smallest `sliceMs` among them). */
function runTurn(): void {
  turnPending = false;
  const turnStart = performance.now();
  const turnMs = Math.min(...queue.map((job) => job.sliceMs));
  while (queue.length > 0) {
    const job = queue.shift() as Job;
    const sliceStart = performance.now();
    const finished = job.work.next().done === true;
    job.spent += performance.now() - sliceStart;
    if (finished) job.done(job.partial);
    else if (job.spent > job.maxScanMs) job.done(stopped(job.work, job.partial));
    else queue.push(job);
    if (performance.now() - turnStart >= turnMs) break;
  }
  if (queue.length > 0) scheduleTurn();
}

/** Runs `work` through the scheduler; resolves with its result (or what it found
 * until its budget ran out, marked `scan-budget`). */
export function runSliced(work: Generator<void, void>, partial: SlicedResult, budget: Partial<ScanBudget> = {}): Promise<SlicedResult> {
  const { maxScanMs, sliceMs } = { ...DEFAULT_BUDGET, ...budget };
  return new Promise((resolve) => {
    queue.push({ work, partial, maxScanMs, sliceMs, spent: 0, done: resolve });
    scheduleTurn();
  });
}
