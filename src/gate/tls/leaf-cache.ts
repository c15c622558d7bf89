/** Options for {@link createLeafCache}. */
export interface LeafCacheOptions<T> {
  /** Makes the value for a host on a miss (mints a leaf). */
  mint(host: string): Promise<T>;
  /** By default, 1,024 hosts: a bottle reaches tens; the bound keeps a hostile agent from filling memory. */
  max?: number;
  /** By default, 12 hours: well inside a leaf's 24-hour life, so a cached leaf is never served expired. */
  ttlMs?: number;
  now?: () => number;
  /** By default, 20 ms: mints start one at a time, at least this far apart (50 a second at most). */
  mintIntervalMs?: number;
}

/** Leaves by host: minted once, reused until they age out or are evicted. */
export interface LeafCache<T> {
  get(host: string): Promise<T>;
  /** How many hosts are cached now. */
  readonly size: number;
}

/**
 * A bounded LRU cache of minted leaves. Concurrent first requests for one host share
 * one mint (the promise is cached); a failed mint is forgotten so the next request
 * tries again. A `Map` keeps insertion order: a hit moves its host to the end, and
 * the first host is the least recently used one. Mints are paced: each costs ~5 ms of
 * the gate's one thread, and CONNECTs to 236 new names a second (closed at once) held
 * `/healthz` at a 58 ms median (a hunt, this round); paced, a flood waits its turn and
 * the gate's other work goes on.
 */
export function createLeafCache<T>(options: LeafCacheOptions<T>): LeafCache<T> {
  const max = options.max ?? 1_024;
  const ttl = options.ttlMs ?? 12 * 3_600_000;
  const now = options.now ?? Date.now;
  const entries = new Map<string, { value: Promise<T>; expires: number }>();
  const interval = options.mintIntervalMs ?? 20;
  // The end of the last mint's turn: the next one starts no earlier.
  let turn: Promise<void> = Promise.resolve();
  const paced = (host: string): Promise<T> => {
    const start = turn;
    const minted = start.then(() => options.mint(host));
    turn = minted.then(
      () => Bun.sleep(interval),
      () => Bun.sleep(interval),
    );
    return minted;
  };

  return {
    get(host) {
      const key = host.toLowerCase();
      const hit = entries.get(key);
      entries.delete(key);
      if (hit !== undefined && hit.expires > now()) {
        entries.set(key, hit);
        return hit.value;
      }
      const value = paced(key);
      const entry = { value, expires: now() + ttl };
      entries.set(key, entry);
      value.catch(() => {
        if (entries.get(key) === entry) entries.delete(key);
      });
      while (entries.size > max) entries.delete(entries.keys().next().value!);
      return value;
    },
    get size() {
      return entries.size;
    },
  };
}
