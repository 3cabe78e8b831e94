"use client";

import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { type ReactNode, useState } from "react";
import { ApiError } from "@/lib/api";
import { RealtimeProvider } from "@/lib/realtime";
import { type SessionInfo, SessionProvider } from "./session-context";

export function AppProviders({ session, children }: { session: SessionInfo; children: ReactNode }) {
  const [client] = useState(
    () =>
      new QueryClient({
        defaultOptions: {
          queries: {
            // Live data arrives through the socket; a refetch on focus covers anything missed while hidden.
            staleTime: 30_000,
            retry: (count, err) => count < 2 && !(err instanceof ApiError && err.status >= 400 && err.status < 500),
          },
        },
      }),
  );
  return (
    <QueryClientProvider client={client}>
      <SessionProvider value={session}>
        <RealtimeProvider url={session.realtimeUrl} orgId={session.org.id}>
          {children}
        </RealtimeProvider>
      </SessionProvider>
    </QueryClientProvider>
  );
}
