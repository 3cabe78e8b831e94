import bcrypt from "bcryptjs";

/** bcrypt as Supabase Auth writes it ($2a$/$2b$), so both providers read the same auth.users rows. */
export function hashPassword(password: string, cost: number): Promise<string> {
  return bcrypt.hash(password, cost);
}

export function verifyPassword(password: string, hash: string | null): Promise<boolean> {
  if (!hash?.startsWith("$2")) return Promise.resolve(false);
  return bcrypt.compare(password, hash);
}

/**
 * A real hash of nothing, compared when the email is unknown so both answers take the same time and the login
 * endpoint does not reveal which emails have accounts.
 */
export const DUMMY_HASH = "$2b$10$3QwoXlsow/mH1c71fN8W8OKMcFX/8S6btzCHjvxcDMwUNUoeEUrZy";
