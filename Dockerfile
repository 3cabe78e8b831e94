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
