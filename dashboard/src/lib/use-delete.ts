"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { api } from "./api";
import { toast } from "./toast";
import { useErrorMessage } from "./use-error-message";

/**
 * The removal of one row by id: `mutate(id)` sends `DELETE path(id)` to the API; once answered it toasts `done`,
 * invalidates `queryKey` and runs `onDone`; an error is toasted in words.
 */
export function useDelete(opts: {
  /** The row's API path, e.g. (id) => `/orgs/${orgId}/api-keys/${id}`. */
  path: (id: string) => string;
  queryKey: readonly unknown[];
  done: string;
  onDone?: () => void;
}) {
  const qc = useQueryClient();
  const { toastError } = useErrorMessage();
  return useMutation({
    mutationFn: (id: string) => api(opts.path(id), { method: "DELETE" }),
    onSuccess: () => {
      toast.success(opts.done);
      void qc.invalidateQueries({ queryKey: opts.queryKey });
      opts.onDone?.();
    },
    onError: toastError,
  });
}
