/**
 * A CPU count as a Kubernetes quantity: whole CPUs as they are (`2`), fractions in
 * millicores (`0.5` → `500m`), as `docker run --cpus` means them.
 */
export function cpuQuantity(cpus: number): string {
  return Number.isInteger(cpus) ? String(cpus) : `${Math.round(cpus * 1000)}m`;
}

const BINARY_SUFFIX: Record<string, string> = { "": "", b: "", k: "Ki", m: "Mi", g: "Gi" };

/**
 * A docker memory size (`512m`, `4g`, `4GiB`…) as a Kubernetes quantity. Docker's units
 * are binary (`4g` is 4 GiB), so they map to `Ki`/`Mi`/`Gi`; Kubernetes' own `4G` would
 * be 4·10⁹ bytes, 7% less. Returns undefined for a text docker would not take either.
 */
export function memoryQuantity(memory: string): string | undefined {
  const match = /^(\d+(?:\.\d+)?)\s*([bkmg]?)(?:i?b)?$/i.exec(memory.trim());
  if (match === null) return undefined;
  const [, amount, unit] = match;
  const suffix = BINARY_SUFFIX[unit!.toLowerCase()];
  return `${amount}${suffix}`;
}
