"use client";

import dynamic from "next/dynamic";

/** The toaster, loaded after the page is interactive (it has nothing to show before an action). */
export const LazyToaster = dynamic(() => import("./sonner").then((m) => m.Toaster), { ssr: false });
