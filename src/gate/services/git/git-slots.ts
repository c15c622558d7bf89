/**
 * By default, at most this many git children serve the agent at once (upload-pack,
 * receive-pack, advertisements). Each costs a process, its memory and for a fetch up
 * to a pack's worth of CPU; a review ran 30 upload-packs at once from one bottle.
 */
export const MAX_RUNNING_GIT = 8;

/** By default, at most this many requests wait for a slot; the next is told the gate is busy. */
export const MAX_WAITING_GIT = 32;

/**
 * The slots git children run in: a request takes one before its child starts and
 * gives it back when the child has exited. Requests beyond the running limit wait in
 * order (a client that leaves stops waiting); beyond the waiting limit they are
 * refused, so a flood of git requests neither forks without bound nor queues without
 * bound.
 */
export class GitSlots {
  #running = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(
    readonly limit: number = MAX_RUNNING_GIT,
    readonly queue: number = MAX_WAITING_GIT,
  ) {}

  /** Children running now. */
  get running(): number {
    return this.#running;
  }

  /**
   * A slot, as the function that gives it back (call it once), when one is free or
   * frees up; undefined when the queue is full or `signal` aborts first.
   */
  take(signal?: AbortSignal): Promise<(() => void) | undefined> {
    if (signal?.aborted) return Promise.resolve(undefined);
    if (this.#running < this.limit) return Promise.resolve(this.#hold());
    if (this.#waiting.length >= this.queue) return Promise.resolve(undefined);
    return new Promise((resolve) => {
      const turn = () => {
        signal?.removeEventListener("abort", leave);
        resolve(this.#hold());
      };
      const leave = () => {
        const at = this.#waiting.indexOf(turn);
        if (at !== -1) this.#waiting.splice(at, 1);
        resolve(undefined);
      };
      signal?.addEventListener("abort", leave, { once: true });
      this.#waiting.push(turn);
    });
  }

  #hold(): () => void {
    this.#running++;
    let given = false;
    return () => {
      if (given) return;
      given = true;
      this.#running--;
      this.#waiting.shift()?.();
    };
  }
}
