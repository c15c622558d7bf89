import { VERSION } from "../../core/version.ts";

/** What `GET /healthz` answers once every listener is bound. */
export interface HealthReport {
  status: "ok";
  version: string;
  /** The enabled services: `egress` always, `routes` when the config has any. */
  services: string[];
}

/** The body of `/healthz` for the running config. */
export function healthReport(services: string[]): HealthReport {
  return { status: "ok", version: VERSION, services };
}
