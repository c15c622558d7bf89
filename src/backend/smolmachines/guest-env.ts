/**
 * The guest's env file: `KEY='value'` lines for `sh` to source with `set -a`. Single
 * quotes keep every byte literal (a `'` becomes `'\''`), so a value can hold `$`, spaces
 * or quotes without the shell reading them.
 */
export function guestEnvText(values: Record<string, string>): string {
  return Object.entries(values)
    .map(([key, value]) => `${key}='${value.replaceAll("'", "'\\''")}'\n`)
    .join("");
}
