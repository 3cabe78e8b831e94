import type { Database } from "@mirage/db";
import { applyReceipt } from "@mirage/db/outbound-messages";
import type { Logger } from "@mirage/logger";
import type { Receipt, SessionsPort, Unsubscribe } from "../sessions/index.ts";

/**
 * Receipts move outbound rows: server ack → `sent`, delivered, read, or an ack error → `failed` with WhatsApp's code.
 * Rows left `unknown` by a crash are reconciled the same way. Each row change reaches socket.io (`message:status`)
 * and webhooks through the table's triggers. Receipts of one message are applied in arrival order.
 */
export function createReceiptHandler(deps: { db: Database; sessions: SessionsPort; logger: Logger }) {
  const log = deps.logger.child({ module: "receipts" });
  const chains = new Map<string, Promise<void>>();
  let unsubscribe: Unsubscribe | undefined;

  async function apply(receipt: Receipt): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        await deps.db.asService((tx) =>
          applyReceipt(tx, {
            instanceId: receipt.instanceId,
            waMessageId: receipt.messageId,
            status: receipt.kind,
            ...(receipt.errorCode ? { errorCode: receipt.errorCode } : {}),
          }),
        );
        return;
      } catch (err) {
        if (attempt >= 5) {
          log.error({ err, messageId: receipt.messageId, kind: receipt.kind }, "receipt lost after retries");
          return;
        }
        await new Promise((r) => setTimeout(r, 100 * 2 ** attempt));
      }
    }
  }

  function onReceipt(receipt: Receipt): void {
    const key = `${receipt.instanceId}/${receipt.messageId}`;
    const next = (chains.get(key) ?? Promise.resolve()).then(() => apply(receipt));
    chains.set(key, next);
    void next.finally(() => {
      if (chains.get(key) === next) chains.delete(key);
    });
  }

  return {
    start(): void {
      unsubscribe = deps.sessions.onReceipt(onReceipt);
    },
    async close(): Promise<void> {
      unsubscribe?.();
      await Promise.all(chains.values());
    },
  };
}
