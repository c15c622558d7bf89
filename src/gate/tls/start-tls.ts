import tls from "node:tls";
import type { GateContext } from "../gate-context.ts";
import { inspectedRequest } from "./inspected-request.ts";
import { inspectedUpgrade } from "./inspected-upgrade.ts";
import { createTlsInspector, type TlsInspectorOptions } from "./tls-inspector.ts";
import { createTlsTermination } from "./tls-termination.ts";

/**
 * Sets up TLS inspection on a starting gate: a fresh CA (made now, whatever the
 * config says, so a reload that turns inspection on finds the certificate the agent
 * already trusts), the termination wired to the inspected-request handler, and the
 * upstream trust: fetch's `ca` replaces its store, so extra CAs are added to the
 * default one (bundled roots and NODE_EXTRA_CA_CERTS) rather than given alone.
 */
export async function startTls(context: GateContext, options: TlsInspectorOptions = {}): Promise<void> {
  if (context.upstreamCa !== undefined) context.upstreamTrust = [...tls.getCACertificates("default"), ...context.upstreamCa];
  const inspector = await createTlsInspector(options);
  context.tls = createTlsTermination(
    inspector,
    (target, req, res) => inspectedRequest(context, target, req, res),
    context.audit,
    {
      upgrade: (target, req, socket, head) => inspectedUpgrade(context, target, req, socket, head),
      ...(context.tunnelIdleMs === undefined ? {} : { idleMs: context.tunnelIdleMs }),
    },
  );
}
