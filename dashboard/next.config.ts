import path from "node:path";
import type { NextConfig } from "next";
import createNextIntlPlugin from "next-intl/plugin";

const withNextIntl = createNextIntlPlugin("./src/i18n/request.ts");

const config: NextConfig = {
  // A self-contained server (.next/standalone/dashboard/server.js) for Docker and ./mirage start.
  output: "standalone",
  // The workspace root, so tracing finds @mirage/contracts and the hoisted node_modules.
  outputFileTracingRoot: path.resolve(import.meta.dirname, ".."),
  transpilePackages: ["@mirage/contracts"],
  poweredByHeader: false,
  reactStrictMode: true,
  // The app only: e2e tests and benches are type-checked by ./mirage test (tsc -p dashboard/tsconfig.json), which
  // also builds with `--no-typecheck` (scripts/build.mjs) rather than check the app twice.
  typescript: {
    ignoreBuildErrors: process.env.MIRAGE_NEXT_SKIP_TYPECHECK === "1",
    tsconfigPath: "tsconfig.next.json",
  },
};

export default withNextIntl(config);
