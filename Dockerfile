# The agent image: Claude Code, git, curl and Node.js on Debian, run as the non-root
# user `agent` (uid 1000) in /workspace. bottle builds it for `image: default`.
# Node's built-in fetch honours HTTPS_PROXY/HTTP_PROXY/NO_PROXY here (see below).
#
#   docker build -t bottle-agent .
#   docker build -t bottle-agent --build-arg BASE_IMAGE=bottle-base:bookworm \
#     --build-arg EXTRA_CA_CERTS="$(cat /usr/local/share/ca-certificates/*.crt)" .
#
# Build args (by default, the values below):
#   BASE_IMAGE           any Debian bookworm-like image; `scripts/base-image.sh` makes
#                        `bottle-base:bookworm` where no registry can be reached.
#   CLAUDE_CODE_VERSION  the exact @anthropic-ai/claude-code version from npm.
#   UNDICI_VERSION       the exact undici (6.x: Node >= 18.17) that gives Node's fetch the proxy.
#   EXTRA_CA_CERTS       PEM text of extra CA certificates (one or many), for networks
#                        whose proxy intercepts TLS. They are trusted by apt, npm and
#                        node during the build AND by everything in the running image
#                        (system bundle, NODE_EXTRA_CA_CERTS). CA certificates are public,
#                        so a build arg (visible in `docker history`) is fine for them;
#                        never pass secrets as build args.
#   AGENT_UID            the uid of `agent`, to match workspace file ownership.
ARG BASE_IMAGE=debian:bookworm-slim
FROM ${BASE_IMAGE}

ARG CLAUDE_CODE_VERSION=2.1.330
ARG EXTRA_CA_CERTS=""
ARG AGENT_UID=1000

SHELL ["/bin/bash", "-o", "pipefail", "-c"]
ENV DEBIAN_FRONTEND=noninteractive \
    LANG=C.UTF-8

# Extra CAs go in first, one file per certificate (update-ca-certificates links each
# .crt by its first certificate only), so every later HTTPS call already trusts them.
RUN if [[ -n "${EXTRA_CA_CERTS}" ]]; then \
      mkdir -p /usr/local/share/ca-certificates/bottle && \
      printf '%s\n' "${EXTRA_CA_CERTS}" | awk \
        '/-----BEGIN CERTIFICATE-----/ { n++; out = sprintf("/usr/local/share/ca-certificates/bottle/extra-%02d.crt", n) } \
         out { print > out } /-----END CERTIFICATE-----/ { out = "" }' && \
      ls /usr/local/share/ca-certificates/bottle/*.crt >/dev/null; \
    fi

# Debian's nodejs (18 in bookworm) runs npm here; Claude Code itself is a native binary
# that npm picks per platform. ca-certificates' postinst folds the extra CAs into the
# system bundle that apt (https), curl, git and, via NODE_EXTRA_CA_CERTS, node trust.
RUN apt-get update && \
    apt-get install -y --no-install-recommends ca-certificates curl git nodejs npm less procps && \
    update-ca-certificates && \
    rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb
ENV NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt \
    SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt

RUN npm install -g --no-audit --no-fund "@anthropic-ai/claude-code@${CLAUDE_CODE_VERSION}" && \
    npm cache clean --force && \
    claude --version

# Node 18's built-in fetch (undici; Debian's node-undici 5.15 in bookworm's nodejs
# 18.20.4) ignores HTTPS_PROXY/HTTP_PROXY, so in a bottle, whose only way out is the
# gate, it could reach nothing. npm's undici (6.x, the last line for Node 18) has
# EnvHttpProxyAgent, which reads the same variables and NO_PROXY (the gate itself, for
# git and supervise). Both undicis keep the dispatcher fetch uses in
# globalThis[Symbol.for("undici.globalDispatcher.1")], so a preload that puts one there
# redirects the built-in fetch. It does so lazily, in a getter, so a node process that
# never fetches (npm, scripts) pays nothing; plain http:// goes as an absolute-form
# request (proxyTunnel: false), since the gate tunnels only TLS. The build checks both
# ways in: fetch first, and a script that loads this undici itself first. NODE_OPTIONS
# is set only here: a custom image, which lacks the file, never gets a --require that
# would stop every node at start (node exits when a --require file is missing).
# Declared here, not at the top: an ARG is part of every later RUN's cache key.
ARG UNDICI_VERSION=6.29.1
RUN npm install -g --no-audit --no-fund "undici@${UNDICI_VERSION}" && \
    npm cache clean --force && \
    mkdir -p /usr/local/lib/bottle && \
    printf '%s\n' \
      '"use strict";' \
      '// bottle: points the built-in fetch of Node at HTTPS_PROXY/HTTP_PROXY, NO_PROXY kept (see the Dockerfile of the default agent image).' \
      '(() => {' \
      '  const key = Symbol.for("undici.globalDispatcher.1");' \
      '  if (Object.getOwnPropertyDescriptor(globalThis, key) !== undefined) return;' \
      '  const root = "/usr/local/lib/node_modules/undici";' \
      '  const settle = (value) => Object.defineProperty(globalThis, key, { value, writable: true, enumerable: false, configurable: false });' \
      '  let loading = false;' \
      '  Object.defineProperty(globalThis, key, {' \
      '    configurable: true,' \
      '    enumerable: false,' \
      '    get() {' \
      '      // undici reads this while it loads (below): it then sets its own default, replaced next.' \
      '      if (loading) return undefined;' \
      '      loading = true;' \
      '      const emit = process.emitWarning;' \
      '      try {' \
      '        // A script that loads this very undici first lands here from inside its index:' \
      '        // take the agent file (loaded by then), the index adds its request API before any fetch.' \
      '        const partial = require.cache[require.resolve(root)]?.loaded === false;' \
      '        const EnvHttpProxyAgent = partial ? require(`${root}/lib/dispatcher/env-http-proxy-agent.js`) : require(root).EnvHttpProxyAgent;' \
      '        // Its "experimental" warning would reach the stderr of every tool that fetches.' \
      '        process.emitWarning = function (warning, options, ...rest) {' \
      '          if (options?.code !== "UNDICI-EHPA") return emit.call(this, warning, options, ...rest);' \
      '        };' \
      '        settle(new EnvHttpProxyAgent({ proxyTunnel: false }));' \
      '      } catch {' \
      '        // Fail soft: without undici, fetch keeps its own default dispatcher.' \
      '        if (Object.getOwnPropertyDescriptor(globalThis, key)?.get !== undefined) delete globalThis[key];' \
      '      } finally {' \
      '        process.emitWarning = emit;' \
      '      }' \
      '      return globalThis[key];' \
      '    },' \
      '    set(value) {' \
      '      settle(value);' \
      '    },' \
      '  });' \
      '})();' \
      > /usr/local/lib/bottle/proxy-fetch.cjs && \
    export NODE_OPTIONS="--require /usr/local/lib/bottle/proxy-fetch.cjs" && \
    node -e 'const d = globalThis[Symbol.for("undici.globalDispatcher.1")]; process.exit(d instanceof require("/usr/local/lib/node_modules/undici").EnvHttpProxyAgent ? 0 : 1);' && \
    node -e 'const u = require("/usr/local/lib/node_modules/undici"); process.exit(u.getGlobalDispatcher() instanceof u.EnvHttpProxyAgent ? 0 : 1);'
# Appended to a NODE_OPTIONS the base image may set. A manifest's `env: NODE_OPTIONS`
# replaces it: add the --require there to keep the proxy for fetch.
ENV NODE_OPTIONS="${NODE_OPTIONS:+${NODE_OPTIONS} }--require /usr/local/lib/bottle/proxy-fetch.cjs"

RUN useradd --create-home --uid "${AGENT_UID}" --shell /bin/bash agent && \
    mkdir -p /workspace && chown agent:agent /workspace

USER agent
WORKDIR /workspace
ENV HOME=/home/agent
# A neutral identity so `git commit` works in a fresh bottle; GIT_AUTHOR_* and
# GIT_COMMITTER_* in the agent's env (the manifest's `env:`) take precedence over it.
RUN git config --global user.name "bottle agent" && \
    git config --global user.email "agent@bottle.invalid"
CMD ["claude"]
