import { createBullBoard } from "@bull-board/api";
import { BullMQAdapter } from "@bull-board/api/bullMQAdapter";
import { ExpressAdapter } from "@bull-board/express";
import type { Queues } from "@mirage/queue/queues";
import type { RequestHandler } from "express";

export const BULL_BOARD_PATH = "/admin/queues";

/** Bull Board's UI for every catalog queue. Mount behind requireOpsAdmin: it shows jobs of all organizations. */
export function bullBoardHandler(queues: Queues): RequestHandler {
  const adapter = new ExpressAdapter();
  adapter.setBasePath(BULL_BOARD_PATH);
  createBullBoard({ queues: queues.all().map((q) => new BullMQAdapter(q)), serverAdapter: adapter });
  return adapter.getRouter() as RequestHandler;
}
