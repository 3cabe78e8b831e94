import path from "node:path";
import { runMigrations } from "@mirage/db/migrate";
import postgres from "postgres";
import type { TestProject } from "vitest/node";
import { buildE2eBundles } from "../scripts/build.ts";

declare module "vitest" {
  export interface ProvidedContext {
    pgAdminUrl: string;
    pgTemplate: string;
    pgAppPassword: string;
  }
}

const root = path.resolve(import.meta.dirname, "..");

/**
 * Builds one migrated template database per test run (bootstrap + every migration, no seed); each test file then
 * clones it with CREATE DATABASE … TEMPLATE, which takes a fraction of a second. The name carries the pid so two
 * runs on one machine never drop each other's template.
 */
export default async function setup(project: TestProject) {
  const adminUrl = process.env.MIRAGE_TEST_ADMIN_URL ?? "postgres://postgres:postgres@127.0.0.1:5432/postgres";
  const appPassword = process.env.MIRAGE_TEST_APP_PASSWORD ?? "mirage-app-local";
  const template = `mirage_tpl_${process.pid}`;
  const admin = postgres(adminUrl, { max: 1, onnotice: () => {} });
  await admin.unsafe(`drop database if exists ${template} with (force)`);
  await admin.unsafe(`create database ${template}`);
  const templateUrl = new URL(adminUrl);
  templateUrl.pathname = `/${template}`;
  await runMigrations({
    adminUrl: templateUrl.toString(),
    migrationsDir: path.join(root, "supabase/migrations"),
    bootstrapFile: path.join(root, "supabase/bootstrap/plain-postgres.sql"),
  });
  await admin.unsafe(`alter role mirage_app password '${appPassword.replace(/'/g, "''")}'`);
  // The worker and orchestrator bundles the end-to-end stacks spawn (@mirage/testing/e2e-entry). When the sources do
  // not build, the stacks fall back to tsx, which reports the error where it happens.
  await buildE2eBundles().catch((err: unknown) => process.stderr.write(`e2e bundles not built: ${String(err)}\n`));
  // One dashboard build per run (scripts/build.mjs): the first test that needs it builds it if stale; later ones,
  // in other workers and spawned stacks, serve that one even if a source was edited meanwhile, so a rebuild never
  // replaces the files under a dashboard another test is serving.
  process.env.DASHBOARD_BUILD_RUN ??= template;
  project.provide("pgAdminUrl", adminUrl);
  project.provide("pgTemplate", template);
  project.provide("pgAppPassword", appPassword);

  return async () => {
    await admin.unsafe(`drop database if exists ${template} with (force)`);
    await admin.end({ timeout: 5 });
  };
}
