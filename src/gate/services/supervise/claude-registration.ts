/** The name the supervise server has in Claude Code (`claude mcp list` shows `bottle: … (HTTP) - ✓ Connected`). */
export const CLAUDE_MCP_NAME = "bottle";

/**
 * Claude Code's user config (`~/.claude.json`) with the supervise server registered
 * as a user-scope `http` MCP server carrying the bearer header. Everything else in
 * the file is kept (a resumed bottle's history and settings); an earlier launch's
 * entry is replaced (the token is minted per launch). A file that is not a JSON
 * object is replaced by one: Claude Code would not start on it either.
 */
export function withClaudeMcpServer(existing: string | undefined, url: string, token: string): string {
  let config: Record<string, unknown> = {};
  try {
    const parsed: unknown = existing === undefined || existing.trim() === "" ? {} : JSON.parse(existing);
    if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) config = parsed as Record<string, unknown>;
  } catch {
    // Not JSON: start over with only what bottle needs.
  }
  const servers = config.mcpServers !== null && typeof config.mcpServers === "object" && !Array.isArray(config.mcpServers) ? (config.mcpServers as Record<string, unknown>) : {};
  const next = { ...config, mcpServers: { ...servers, [CLAUDE_MCP_NAME]: { type: "http", url, headers: { Authorization: `Bearer ${token}` } } } };
  return `${JSON.stringify(next, null, 2)}\n`;
}
