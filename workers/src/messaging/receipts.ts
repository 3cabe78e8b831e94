import type { Database } from "@mirage/db";
import { applyReceipts } from "@mirage/db/outbound-messages";
import type { Logger } from "@mirage/logger";
import type { Receipt, SessionsPort, Unsubscribe } from "../sessions/index.ts";
import type { CarriedWork } from "./carried-work.ts";

/**
 * Receipts move outbound rows: server ack → `sent`, delivered, read, or an ack error → `failed` with WhatsApp's code.
 * Rows left `unknown` by a crash are reconciled the same way. Receipts are applied in small batches (one round trip
 * for many), in arrival order — or, while messages are being sent, in the next `sending` commit (`take`); each row
 * change reaches socket.io (`message:status`) and webhooks through the table's triggers.
 */
export function createReceiptHandler(deps: {
  db: Database;
  sessions: SessionsPort;
  logger: Logger;
  batchMax?: number;
  flushMs?: number;
}) {
  const log = deps.logger.child({ module: "receipts" });
  const batchMax = deps.batchMax ?? 200;
  // Three receipts arrive per message within tens of ms: a 40 ms window writes them in one round trip instead of
  // one per receipt, and stays far inside the 250 ms change → browser budget.
  const flushMs = deps.flushMs ?? 40;
  let buffer: Receipt[] = [];
  let timer: NodeJS.Timeout | undefined;
  let chain: Promise<void> = Promise.resolve();
  let unsubscribe: Unsubscribe | undefined;

  const rowsOf = (batch: Receipt[]) =>
    batch.map((r) => ({
      instanceId: r.instanceId,
      waMessageId: r.messageId,
      status: r.kind,
      ...(r.errorCode ? { errorCode: r.errorCode } : {}),
    }));

  async function write(batch: Receipt[]): Promise<void> {
    const rows = rowsOf(batch);
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.db.asServicePipelined((tx) => applyReceipts(tx, rows));
        return;
      } catch (err) {
        if (attempt >= 5) {
          log.error({ err, count: rows.length }, "receipts lost after retries");
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  function flush(): Promise<void> {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return chain;
    const batch = buffer;
    buffer = [];
    chain = chain.then(() => write(batch));
    return chain;
  }

  function onReceipt(receipt: Receipt): void {
    buffer.push(receipt);
    if (buffer.length >= batchMax) void flush();
    else timer ??= setTimeout(() => void flush(), flushMs);
  }

  return {
    /**
     * The receipts waiting for their flush, for another transaction to apply (the send module's next `sending`
     * commit: no round trip of their own while messages are being sent). `apply` starts their statements in `tx`;
     * `settle(false)` puts them back for the next flush. Order does not matter: a receipt only ever moves a row
     * forward (`applyReceipts`), whichever transaction commits first.
     */
    take(): CarriedWork | undefined {
      if (buffer.length === 0) return undefined;
      const batch = buffer;
      buffer = [];
      if (timer) clearTimeout(timer);
      timer = undefined;
      return {
        apply: (tx) => applyReceipts(tx, rowsOf(batch)),
        settle(committed) {
          if (committed) return;
          buffer = [...batch, ...buffer];
          timer ??= setTimeout(() => void flush(), flushMs);
        },
      };
    },
    start(): void {
      unsubscribe = deps.sessions.onReceipt(onReceipt);
    },
    async close(): Promise<void> {
      unsubscribe?.();
      await flush();
    },
  };
}
