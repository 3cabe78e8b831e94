# syntax=docker/dockerfile:1
# One image for every Node process; the command picks it (see docker-compose.yml):
#   node --enable-source-maps orchestrator/dist/main.js | workers/dist/main.js | dist/db.js setup
# It runs compiled JavaScript (pnpm run build: esbuild, scripts/build.ts) on production dependencies only: no pnpm,
# no tsx, typescript, vitest or any other dev tool in the final stage (scripts/test/build.test.ts checks this file).
ARG NODE_IMAGE=node:20.19-bookworm-slim

# pnpm, pinned like ./mirage pins it, installed by npm (never corepack: its signature check breaks behind mirrors),
# and the lockfile's packages fetched into pnpm's store once, so code changes do not refetch them.
FROM ${NODE_IMAGE} AS pnpm
ENV CI=true PNPM_HOME=/pnpm
RUN npm install -g --prefix /usr/local --no-audit --no-fund pnpm@10.34.8
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml ./
# The workspace's patches to dependencies (pnpm-workspace.yaml patchedDependencies): every install below applies them.
COPY patches/ ./patches/
RUN pnpm fetch

# Every dependency, the sources, and the build; also the workspace's package.json files for the next stage.
FROM pnpm AS build
COPY . .
RUN pnpm install --offline --frozen-lockfile \
 && pnpm run build \
 && mkdir -p /tmp/manifests \
 && find . -name package.json -not -path "*/node_modules/*" -exec cp --parents {} /tmp/manifests/ \;

# Production dependencies of the two apps (and of the workspace packages they use) only, from the same lockfile.
FROM pnpm AS prod-deps
COPY --from=build /tmp/manifests/ ./
RUN pnpm --filter-prod "@mirage/orchestrator..." --filter-prod "@mirage/workers..." install --offline --frozen-lockfile --prod
# valibot (through @bull-board/api) names typescript as an optional peer, for its type declarations only, and pnpm
# links the workspace's dev copy in. Nothing loads it at run time: remove it, so the image carries no compiler.
RUN rm -rf node_modules/.pnpm/typescript@* \
 && find node_modules/.pnpm -path "*/node_modules/typescript" -type l -delete

# The dashboard: built with its dev dependencies, shipped as Next's standalone server only (no pnpm, no sources).
FROM pnpm AS dashboard-build
ENV NEXT_TELEMETRY_DISABLED=1
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter "@mirage/dashboard..." && pnpm --filter @mirage/dashboard run build

FROM ${NODE_IMAGE} AS dashboard
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=dashboard-build --chown=node:node /app/dashboard/.next/standalone ./
USER node
EXPOSE 3000
CMD ["node", "dashboard/server.js"]

# The default target (last): orchestrator, workers and migrations.
FROM ${NODE_IMAGE} AS app
ENV NODE_ENV=production
WORKDIR /app
COPY --from=prod-deps --chown=node:node /app ./
COPY --from=build --chown=node:node /app/orchestrator/dist ./orchestrator/dist
COPY --from=build --chown=node:node /app/workers/dist ./workers/dist
COPY --from=build --chown=node:node /app/dist ./dist
COPY --from=build --chown=node:node /app/supabase ./supabase
USER node
CMD ["node", "--enable-source-maps", "orchestrator/dist/main.js"]
