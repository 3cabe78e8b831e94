/** Only same-site paths: `?next=https://evil.example` or `//evil.example` fall back to the overview, the landing page of every role. */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/overview";
}
