import type { DoctorReport } from "./run-doctor.ts";

const MARK = { ok: "ok  ", warn: "warn", fail: "FAIL" } as const;

/** The report for people: one line per check, its hint indented under it, a verdict last. */
export function formatDoctorReport(report: DoctorReport): string {
  const width = Math.max(...report.checks.map((check) => check.name.length));
  const lines = report.checks.flatMap((check) => [
    `${MARK[check.status]}  ${check.name.padEnd(width)}  ${check.summary}`,
    ...(check.hint === undefined || check.status === "ok" ? [] : [`      ${"".padEnd(width)}  hint: ${check.hint}`]),
  ]);
  lines.push("", report.ok ? "bottle can run agents with the docker backend." : "bottle cannot run agents yet: fix the FAIL lines above.");
  return `${lines.join("\n")}\n`;
}

/** `--json`: `{ ok, checks: { <name>: { status, summary, hint? } } }`, an object keyed by check. */
export function doctorReportJson(report: DoctorReport): unknown {
  return {
    ok: report.ok,
    checks: Object.fromEntries(report.checks.map(({ name, ...rest }) => [name, rest])),
  };
}
