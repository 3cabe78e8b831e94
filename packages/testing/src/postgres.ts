import { randomBytes } from "node:crypto";
import { createDb, type Database } from "@mirage/db";
import postgres from "postgres";
import { inject } from "vitest";

export type TestDatabase = {
  name: string;
  /** Superuser URL of this database: fixtures, and the migration runner's role. */
  adminUrl: string;
  /** URL as the NOINHERIT app role, like the real processes. */
  appUrl: string;
  /** Superuser connection for fixtures and assertions that must see everything. */
  admin: postgres.Sql;
  /** The app's handle: asUser / asService, exactly as production code uses it. */
  db: Database;
  drop(): Promise<void>;
};

/** A fresh, migrated database cloned from the run's template (see test/global-setup.ts). */
export async function createTestDatabase(): Promise<TestDatabase> {
  const baseUrl = inject("pgAdminUrl");
  const template = inject("pgTemplate");
  const name = `mirage_t_${randomBytes(5).toString("hex")}`;
  const root = postgres(baseUrl, { max: 1, onnotice: () => {} });
  await root.unsafe(`create database ${name} template ${template}`);
  await root.end({ timeout: 5 });

  const adminUrl = withDatabase(baseUrl, name);
  const app = new URL(adminUrl);
  app.username = "mirage_app";
  app.password = inject("pgAppPassword");
  const appUrl = app.toString();
  const admin = postgres(adminUrl, { max: 2, onnotice: () => {} });
  const db = createDb({ url: appUrl, max: 4 });

  return {
    name,
    adminUrl,
    appUrl,
    admin,
    db,
    async drop() {
      await db.close();
      await admin.end({ timeout: 5 });
      const r = postgres(baseUrl, { max: 1, onnotice: () => {} });
      await r.unsafe(`drop database if exists ${name} with (force)`);
      await r.end({ timeout: 5 });
    },
  };
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}
