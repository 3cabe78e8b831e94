import { randomBytes } from "node:crypto";
import { parseArgs } from "node:util";
import { databaseEnv, parseEnv, redisEnv, z } from "@mirage/config";
import { createDb } from "@mirage/db";
import { createOrganizationWithOwner } from "@mirage/db/organizations";
import { revokeUserRefreshTokens } from "@mirage/db/refresh-tokens";
import { createUser, findUserByEmail, setPasswordHash } from "@mirage/db/users";
import { Redis } from "ioredis";
import { createLoginLimiter } from "./auth/login-limiter.ts";
import { hashPassword } from "./auth/passwords.ts";
import { createSessionRevocations } from "./auth/revocations.ts";

const USAGE = `Mirage orchestrator CLI

  pnpm --filter @mirage/orchestrator cli create-org --name "Acme" --slug acme --email owner@acme.com [--password …] [--timezone America/Sao_Paulo]
      Creates an organization and its owner (the account is created when the email has none).
  pnpm --filter @mirage/orchestrator cli reset-password --email owner@acme.com [--password …]
      Sets a new password, signs the person out everywhere and lifts a login lockout.

Without --password a random one is generated and printed once. Reads DATABASE_URL (and REDIS_URL, QUEUE_PREFIX).`;

const CliEnv = z.object({
  ...databaseEnv,
  ...redisEnv,
  BCRYPT_COST: z.coerce.number().int().min(4).max(15).default(10),
  QUEUE_PREFIX: z.string().default("mirage"),
  ACCESS_TOKEN_TTL_SECONDS: z.coerce.number().int().min(60).max(86_400).default(900),
  JWT_CLOCK_SKEW_SECONDS: z.coerce.number().int().min(0).max(600).default(60),
});

const Email = z.email().max(254);
const Password = z.string().min(10, "passwords need at least 10 characters").max(200);

function fail(message: string): never {
  console.error(`error: ${message}\n\n${USAGE}`);
  process.exit(2);
}

async function main(): Promise<void> {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      name: { type: "string" },
      slug: { type: "string" },
      email: { type: "string" },
      password: { type: "string" },
      timezone: { type: "string" },
      help: { type: "boolean", short: "h" },
    },
  });
  const command = positionals[0];
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const env = parseEnv(CliEnv, process.env);
  const email = Email.safeParse(values.email);
  if (!email.success) fail("--email must be an email address");
  const generated = values.password === undefined;
  const password = values.password ?? randomBytes(12).toString("base64url");
  const pw = Password.safeParse(password);
  if (!pw.success) fail(pw.error.issues[0]?.message ?? "bad password");

  const db = createDb({ url: env.DATABASE_URL, max: 1 });
  try {
    if (command === "create-org") {
      const name = z.string().trim().min(1).max(200).safeParse(values.name);
      const slug = z
        .string()
        .regex(/^[a-z0-9][a-z0-9-]{1,62}$/)
        .safeParse(values.slug);
      if (!name.success) fail("--name is required");
      if (!slug.success) fail("--slug must be lowercase letters, digits and dashes (2–63)");
      const hash = await hashPassword(password, env.BCRYPT_COST);
      const result = await db.asService(async (tx) => {
        let user = await findUserByEmail(tx, email.data);
        const created = !user;
        if (!user) {
          const made = await createUser(tx, { email: email.data, passwordHash: hash });
          user = { ...made, passwordHash: hash, bannedUntil: null };
        }
        const org = await createOrganizationWithOwner(tx, {
          name: name.data,
          slug: slug.data,
          ownerUserId: user.id,
          timezone: values.timezone ?? "UTC",
        });
        return { org, user, created };
      });
      console.log(`organization ${result.org.slug} (${result.org.id}) created; owner ${result.user.email}`);
      if (result.created && generated) console.log(`password (shown once): ${password}`);
      if (!result.created) console.log("the account already existed; its password is unchanged");
    } else if (command === "reset-password") {
      const hash = await hashPassword(password, env.BCRYPT_COST);
      const found = await db.asService(async (tx) => {
        const user = await findUserByEmail(tx, email.data);
        if (!user) return undefined;
        await setPasswordHash(tx, user.id, hash);
        const sessions = await revokeUserRefreshTokens(tx, user.id, "password_reset");
        return { ...user, sessions };
      });
      if (!found) fail(`no account with email ${email.data}`);
      const redis = new Redis(env.REDIS_URL, { maxRetriesPerRequest: 1, lazyConnect: true });
      try {
        await redis.connect();
        await createLoginLimiter(redis, {
          prefix: env.QUEUE_PREFIX,
          maxFailures: 1,
          windowSeconds: 1,
          lockoutSeconds: 1,
          perIpPerMinute: 1,
        }).unlock(email.data);
        // The signed-out sessions' access tokens stop working now, not at their expiry.
        await createSessionRevocations(redis, {
          prefix: env.QUEUE_PREFIX,
          ttlSeconds: env.ACCESS_TOKEN_TTL_SECONDS + env.JWT_CLOCK_SKEW_SECONDS,
        }).revoke(found.sessions);
      } catch {
        console.error(
          "warning: Redis unreachable; a login lockout (if any) and the old access tokens expire on their own",
        );
      } finally {
        redis.disconnect();
      }
      console.log(`password reset for ${found.email}; every session was signed out`);
      if (generated) console.log(`password (shown once): ${password}`);
    } else {
      fail(`unknown command ${command}`);
    }
  } finally {
    await db.close();
  }
}

await main();
