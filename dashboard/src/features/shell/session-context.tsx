"use client";

import type { TMe } from "@mirage/contracts/auth";
import type { TOrgRole } from "@mirage/contracts/enums";
import { createContext, type ReactNode, useContext } from "react";

export type SessionInfo = {
  me: TMe;
  org: { id: string; name: string; slug: string; role: TOrgRole };
  /** Where the browser opens socket.io (the orchestrator's public URL). */
  realtimeUrl: string;
  /** The stack runs with wa-sim: offer "scan with the virtual phone". */
  simulator: boolean;
};

const SessionContext = createContext<SessionInfo | null>(null);

export function SessionProvider({ value, children }: { value: SessionInfo; children: ReactNode }) {
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionInfo {
  const value = useContext(SessionContext);
  if (!value) throw new Error("useSession outside SessionProvider");
  return value;
}
