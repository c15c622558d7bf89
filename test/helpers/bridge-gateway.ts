import { processRunner } from "../../src/core/runner.ts";

/**
 * The default bridge's gateway: the host, as containers on the bridge reach it. A
 * fresh dockerd can leave the bridge's IPAM `Gateway` empty (Docker 20.10.24, this
 * project's CI machine: `[{"Subnet":"172.17.0.0/16"}]`): it is then the subnet's first
 * address, which the daemon gives the bridge. An empty gateway made `allow: [""]` and
 * the gate never started.
 */
export async function bridgeGateway(): Promise<string> {
  const inspected = await processRunner.run(["docker", "network", "inspect", "bridge", "--format", "{{json .IPAM.Config}}"]);
  const [ipam] = JSON.parse(inspected.stdout) as { Gateway?: string; Subnet?: string }[];
  if (ipam?.Gateway) return ipam.Gateway;
  const network = /^(\d+)\.(\d+)\.(\d+)\.(\d+)\/\d+$/.exec(ipam?.Subnet ?? "");
  if (network === null) throw new Error(`the default bridge has neither a gateway nor an IPv4 subnet: ${inspected.stdout.trim()}`);
  const octets = network.slice(1, 5).map(Number);
  octets[3] = (octets[3] as number) + 1;
  return octets.join(".");
}
