import type { DoctorReport } from "./run-doctor.ts";

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/**
 * The report for people: one line per check, its hint indented under it, and a verdict
 * last about the first backend checked (the default, or the one `--backend` names): it
 * names that backend, and when it cannot run, the check that stops it.
 */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.flatMap((check) => [
    `${MARK[check.status]}  ${check.name.padEnd(width)}  ${check.summary}`,
    ...(check.hint === undefined || check.status === "ok" ? [] : [`      ${"".padEnd(width)}  hint: ${check.hint}`]),
  ]);
  lines.push("", verdict(report));
  return `${lines.join("\n")}\n`;
}

/** `--json`: `{ ok, checks: { <name>: { status, summary, hint? } } }`, an object keyed by check. */
export function doctorReportJson(report: DoctorReport): unknown {
  return {
    ok: report.ok,
    checks: Object.fromEntries(report.checks.map(({ name, ...rest }) => [name, rest])),
  };
}

function verdict(report: DoctorReport): string {
  const backend = report.backends[0];
  const name = backend === undefined ? "" : ` with the ${backend.name} backend`;
  if (report.ok) return `bottle can run agents${name}.`;
  if (report.checks.some((check) => check.status === "fail")) return `bottle cannot run agents${name} yet: fix the FAIL lines above.`;
  return `bottle cannot run agents${name} yet: ${backend?.reason ?? "see the lines above"}.`;
}
