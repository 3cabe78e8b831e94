import { z } from "zod";

/** A session host as an organization's admins see it: load and liveness, nothing about the machine it runs on. */
export const ZWorkerStatus = z
  .object({
    id: z.string().describe("The worker's id."),
    live: z
      .boolean()
      .describe("True while its heartbeat key is alive; a dead worker's instances are being placed elsewhere."),
    capacity: z.number().int().describe("How many sessions it may host at most."),
    hosted: z.number().int().describe("Sessions it hosts, across every organization."),
    startedAt: z.string().describe("When the worker process started (ISO 8601)."),
    heartbeatAt: z.string().describe("When it last reported its state (ISO 8601)."),
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
