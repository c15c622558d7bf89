/**
 * The commented `bottle.yaml` that `bottle init` writes: valid as it stands (a unit
 * test parses it), it runs what the built-in default runs, and every key the schema
 * knows is either set or shown commented out with what it does and its default.
 */
export const STARTER_MANIFEST = `# bottle.yaml — what runs in a bottle, and what it may reach.
# Check it with \`bottle validate\`; the full reference is in bottle's README
# ("Manifest reference"), and \`bottle schema\` prints a JSON Schema for editors.

# The manifest format. This bottle reads version 1.
version: 1

# Agents: each is a program (a coding agent CLI) and the bottle it runs in.
# Names use lowercase letters, digits, '_', '.', '-': they end up in container names.
agents:
  claude:
    # The image: \`default\` (bottle's agent image with Claude Code, git, /workspace),
    # an image reference such as \`ghcr.io/org/agent:1\`, or a Dockerfile to build:
    #   image: { dockerfile: ./Dockerfile, context: . }   # context defaults to the Dockerfile's folder
    image: default
    # The command run in the workspace. By default, the image's own command.
    command: [claude, --dangerously-skip-permissions]
    # A first prompt for the agent, inline or from a file (relative to this manifest);
    # set one of the two, not both.
    # prompt: "Read the README and list what is unclear."
    # prompt_file: ./prompts/first.md
    # Skill folders copied into the agent's home (relative to this manifest). By default, none.
    skills: []
    # Environment variables for the agent. A literal value goes to an env-file of
    # mode 0600 (no newlines). A value of exactly \`\${NAME}\` forwards the host's
    # variable NAME by name (its value never lands in a file or on a command line);
    # a missing host variable stops \`bottle start\` with its name. \`\${\` anywhere
    # else in a value is an error.
    env:
      GIT_AUTHOR_NAME: Bottle
      # GH_HOST: \${GH_HOST}
      # GITHUB_TOKEN: \${MY_BOTTLE_GH_TOKEN}   # the host's MY_BOTTLE_GH_TOKEN, as GITHUB_TOKEN
    # The bottle this agent runs in. By default, \`default\`.
    bottle: default

# Bottles: the sandbox and its gate. An agent naming \`default\` when no \`default\` is
# defined here gets the built-in default bottle (the one below).
bottles:
  default:
    # The container runtime: auto (gVisor's runsc when the engine has it, else runc),
    # runc, or runsc. By default, auto.
    runtime: auto
    # Limits for the agent's container. By default, none.
    resources:
      cpus: 2        # at least 0.1
      memory: 4g     # a number with an optional unit b, k, m or g
    # Everything the agent reaches goes through the gate's egress policy.
    egress:
      # Hosts the agent may reach; \`*.example.com\` matches any subdomain. By default, none.
      allow:
        - registry.npmjs.org
        - pypi.org
        - files.pythonhosted.org
        - github.com
        - "*.github.com"
        - "*.githubusercontent.com"
      # Hosts refused even when allowed above. By default, none.
      deny: []
      # Private address ranges the agent may reach (blocked by default), e.g. 10.1.0.0/16.
      allow_cidrs: []
      # Routes: the agent calls http://gate:PORT/r/<name>/… and the gate forwards to
      # \`upstream\` over HTTPS, replacing any credential with \`inject\`. \`\${NAME}\` in
      # the injected value is read by the gate from the host; the agent never sees it.
      routes:
        - name: anthropic
          upstream: https://api.anthropic.com
          # claude_code_oauth marks the Claude route (at most one per bottle).
          roles: [claude_code_oauth]
          inject:
            header: authorization
            value: "Bearer \${CLAUDE_CODE_OAUTH_TOKEN}"
      # Secret scanning of what leaves: block (refuse), warn (log and forward) or off.
      # By default, block.
      dlp:
        action: block
        # The scan time one request body may cost, by default 500 ms: under block, a
        # body the scan cannot finish in it is refused (403 scan-incomplete).
        # scan_budget_ms: 500
      # TLS inspection: the gate terminates HTTPS with a CA made for this bottle (the
      # agent trusts it), so HTTPS gets DLP, method/path rules and credentials. By
      # default, on. \`passthrough\` hosts (clients that pin certificates) stay tunnels;
      # \`inspect: false\` leaves all HTTPS as tunnels (the gate sees only host names).
      # tls: { inspect: true, passthrough: ["*.apple.com"] }
      # An allow entry may carry rules (they bind HTTPS while inspection is on):
      #   - { host: api.github.com, methods: [GET, POST], paths: ["/repos/org/app/"] }
      # Headers injected into inspected requests to a host; the agent never holds them.
      # credentials:
      #   - { host: api.github.com, header: authorization, value: "Bearer \${GH_TOKEN}" }
    # Repos the gate's git server mirrors for the agent: \`git clone <upstream>\` in the
    # bottle goes through the gate, and pushes are checked (branch globs, DLP) and sent
    # upstream with a key or token only the gate holds. By default, none.
    git: []
    #  - name: app
    #    upstream: git@github.com:org/app.git   # or ssh://, https://, a local path
    #    key: ~/.ssh/bottle_deploy     # ssh: read by the gate only
    #    # host_key: "github.com ssh-ed25519 AAAA..."  # by default, from ~/.ssh/known_hosts
    #    # token: \${GH_TOKEN}          # https: forwarded to the gate only
    #    push: ["bottle/*"]            # branches the agent may push; by default none (read-only)
    #    force: false                  # non-fast-forward pushes
    #    delete: false                 # branch deletions
    #    tags: false                   # tag pushes
    # Let the agent ask a person for more (a new host, an image change) through the
    # gate's MCP server; \`bottle requests\`, \`bottle approve\`/\`deny\` and the live
    # \`bottle supervise\` answer. \`true\`, \`false\`, or the settings below. By default, false.
    supervise: false
    # supervise:
    #   when_unattended: deny   # no terminal or CI: deny at once (deny), or wait for \`bottle supervise\` (wait)
    #   expire_after: 10m       # an undecided request counts as denied after this
    # Only for --backend kubernetes (experimental): where the bottle's objects go.
    # kubernetes:
    #   namespace: agents          # by default, the context's namespace, else default
    #   context: my-cluster        # by default, the kubeconfig's current context
    #   kubeconfig: ~/.kube/config # by default, $KUBECONFIG, else ~/.kube/config
    #   runtime_class: gvisor      # the RuntimeClass for runtime: runsc; by default, gvisor
    #   storage_class: standard    # by default, the cluster's default StorageClass
    #   workspace_size: 10Gi       # by default, 10Gi
    #   home_size: 1Gi             # by default, 1Gi
`;
