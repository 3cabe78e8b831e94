import "server-only";
import { type TMe, ZMe } from "@mirage/contracts/auth";
import { cookies, headers } from "next/headers";
import { redirect } from "next/navigation";
import { serverEnv } from "./config";
import { ACCESS_COOKIE } from "./session";

export const ORG_COOKIE = "mirage_org";

export type MeResult = { kind: "ok"; me: TMe } | { kind: "unavailable"; detail: string };

/**
 * The signed-in caller (GET /auth/me) for a server component. No session (or a refused token) → sign-in, with the
 * current path to come back to; the API being down → "unavailable", rendered as a page that says so.
 */
export async function loadMe(): Promise<MeResult> {
  const token = (await cookies()).get(ACCESS_COOKIE)?.value;
  const path = (await headers()).get("x-mirage-path") ?? "/overview";
  const toSignIn = () => redirect(`/sign-in?next=${encodeURIComponent(path)}`);
  if (!token) toSignIn();
  let res: Response;
  try {
    res = await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/auth/me`, {
      headers: { authorization: `Bearer ${token}` },
      cache: "no-store",
      signal: AbortSignal.timeout(10_000),
    });
  } catch {
    return { kind: "unavailable", detail: `${serverEnv().MIRAGE_API_URL} does not answer` };
  }
  if (res.status === 401) toSignIn();
  if (!res.ok) return { kind: "unavailable", detail: `the API answered ${res.status}` };
  return { kind: "ok", me: ZMe.parse(await res.json()) };
}

export async function selectedOrgId(): Promise<string | undefined> {
  return (await cookies()).get(ORG_COOKIE)?.value;
}
