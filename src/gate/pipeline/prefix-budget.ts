/**
 * By default, request-body prefixes held for DLP may take 32 MiB across the whole
 * gate: 1,500 clients that each send just under 1 MiB and stall would otherwise hold
 * 1.5 GB (finding 4 of the hardening review). 32 whole 1 MiB prefixes at once, and far
 * more small bodies (each takes only its length); 64 MiB let a second wave of 1,500
 * stalled bodies push the gate's RSS past 256 MiB (bench/proxy/stalled.ts).
 */
export const DEFAULT_PREFIX_BUDGET = 32 * 1024 * 1024;

/**
 * The gate-wide budget for buffered request-body prefixes. A request takes bytes as
 * they arrive and gives them back when its exchange ends; a request that would go
 * beyond the budget is refused (503 `busy`) instead of growing memory.
 */
export class PrefixBudget {
  #used = 0;

  constructor(readonly limit: number = DEFAULT_PREFIX_BUDGET) {}

  /** Bytes held now. */
  get used(): number {
    return this.#used;
  }

  /** Takes `bytes` if they fit; false (and nothing taken) when they do not. */
  take(bytes: number): boolean {
    if (this.#used + bytes > this.limit) return false;
    this.#used += bytes;
    return true;
  }

  /** Gives back what a request took. */
  give(bytes: number): void {
    this.#used = Math.max(0, this.#used - bytes);
  }
}
