import { z } from "zod";

/** A session host as an organization's admins see it: load and liveness, nothing about the machine it runs on. */
export const ZWorkerStatus = z
  .object({
    id: z.string(),
    /** True while its heartbeat key is alive; a dead worker's instances are being placed elsewhere. */
    live: z.boolean(),
    capacity: z.number().int(),
    /** Sessions it hosts, across every organization. */
    hosted: z.number().int(),
    startedAt: z.string(),
    heartbeatAt: z.string(),
  })
  .meta({
    id: "WorkerStatus",
    example: {
      id: "worker-a",
      live: true,
      capacity: 200,
      hosted: 37,
      startedAt: "2026-11-24T09:00:00.000Z",
      heartbeatAt: "2026-11-24T10:00:00.000Z",
    },
  });
export type TWorkerStatus = z.infer<typeof ZWorkerStatus>;
