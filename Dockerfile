# One image for every Node process (orchestrator, workers, migrations); the command picks the process.
FROM node:20-bookworm-slim AS app
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true NODE_ENV=production
RUN corepack enable && corepack prepare pnpm@10.34.8 --activate
WORKDIR /app
# Dependencies first, so code changes do not refetch them.
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile && chown -R node:node /app
USER node
CMD ["pnpm", "exec", "tsx", "orchestrator/src/main.ts"]

# The dashboard: built with its dev dependencies, shipped as Next's standalone server only (no pnpm, no sources).
FROM node:20-bookworm-slim AS dashboard-build
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true NEXT_TELEMETRY_DISABLED=1
RUN corepack enable && corepack prepare pnpm@10.34.8 --activate
WORKDIR /app
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
RUN pnpm fetch
COPY . .
RUN pnpm install --offline --frozen-lockfile --filter "@mirage/dashboard..." && pnpm --filter @mirage/dashboard run build

FROM node:20-bookworm-slim AS dashboard
ENV NODE_ENV=production PORT=3000 HOSTNAME=0.0.0.0 NEXT_TELEMETRY_DISABLED=1
WORKDIR /app
COPY --from=dashboard-build --chown=node:node /app/dashboard/.next/standalone ./
USER node
EXPOSE 3000
CMD ["node", "dashboard/server.js"]
