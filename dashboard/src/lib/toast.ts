"use client";

type Options = { description?: string };

/**
 * Toasts through sonner, loaded on first use: no page needs its code to render, only to report an action's result.
 * The <Toaster /> is mounted lazily by the root layout.
 */
export const toast = {
  success(message: string, options?: Options) {
    void import("sonner").then(({ toast: t }) => t.success(message, options));
  },
  info(message: string, options?: Options) {
    void import("sonner").then(({ toast: t }) => t.info(message, options));
  },
  error(message: string, options?: Options) {
    void import("sonner").then(({ toast: t }) => t.error(message, options));
  },
};
