/** Only same-site paths: `?next=https://evil.example` or `//evil.example` fall back to the instances page. */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/instances";
}
