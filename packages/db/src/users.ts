import type { Db } from "./client.ts";

export type User = { id: string; email: string; name: string | null };

/**
 * Service work: creates a user in auth.users the way Supabase Auth does, with a bcrypt hash the caller computed
 * (so the hashing cost stays out of the database and in one place, the orchestrator's auth module).
 */
export async function createUser(
  db: Db,
  input: { email: string; passwordHash: string | null; name?: string; id?: string },
): Promise<User> {
  const [user] = await db<User[]>`
    insert into auth.users (id, aud, role, email, encrypted_password, email_confirmed_at, raw_app_meta_data, raw_user_meta_data)
    values (coalesce(${input.id ?? null}::uuid, gen_random_uuid()), 'authenticated', 'authenticated', lower(${input.email}),
            ${input.passwordHash}, now(), '{"provider":"email","providers":["email"]}',
            ${db.json({ name: input.name ?? null })})
    returning id, email, raw_user_meta_data ->> 'name' as name`;
  if (!user) throw new Error("user insert returned no row");
  return user;
}

export async function findUserByEmail(
  db: Db,
  email: string,
): Promise<(User & { passwordHash: string | null; bannedUntil: Date | null }) | undefined> {
  const [user] = await db<(User & { passwordHash: string | null; bannedUntil: Date | null })[]>`
    select id, email, raw_user_meta_data ->> 'name' as name, encrypted_password as "passwordHash",
           banned_until as "bannedUntil"
    from auth.users where email = lower(${email}) and deleted_at is null`;
  return user;
}

/** Service: a user by id with whether they are banned now; undefined when deleted or unknown. */
export async function findActiveUser(
  db: Db,
  id: string,
): Promise<{ id: string; email: string; banned: boolean } | undefined> {
  const [user] = await db<{ id: string; email: string; banned: boolean }[]>`
    select id, email, coalesce(banned_until > now(), false) as banned
    from auth.users where id = ${id} and deleted_at is null`;
  return user;
}

/** Service: stamps a successful login (what Supabase Auth records as last_sign_in_at). */
export async function recordSignIn(db: Db, userId: string): Promise<void> {
  await db`update auth.users set last_sign_in_at = now() where id = ${userId}`;
}

/** Service: replaces a user's password hash (bcrypt, computed by the caller). */
export async function setPasswordHash(db: Db, userId: string, passwordHash: string): Promise<void> {
  await db`update auth.users set encrypted_password = ${passwordHash}, updated_at = now() where id = ${userId}`;
}
