import type { ReactNode } from "react";
import { AudienceTabs } from "@/features/audience/audience-tabs";

export default function AudienceLayout({ children }: { children: ReactNode }) {
  return (
    <>
      <AudienceTabs />
      {children}
    </>
  );
}
