import { getBinaryNodeChild, getBinaryNodeChildren, QueryIds } from "@whiskeysockets/baileys";
import { answerKeyFetch, answerUsync } from "../contacts/usync.ts";
import { type BinaryNode, childBuffer, firstChild, iqResult, node } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import type { Account, Companion } from "./accounts.ts";
import type { SimContext } from "./context.ts";
import { isTimelocked } from "./faults.ts";
import type { Pairing } from "./pairing.ts";

const DEFAULT_PRIVACY = {
  readreceipts: "all",
  last: "all",
  online: "all",
  profile: "all",
  status: "contacts",
  groupadd: "all",
} as const;

export type IqSession = { account: Account; companion: Companion } | undefined;

function mexResult(iq: BinaryNode, path: string, value: unknown): BinaryNode {
  return iqResult(iq, [node("result", {}, Buffer.from(JSON.stringify({ data: { [path]: value } })))]);
}

function storePreKeys(ctx: SimContext, companion: Companion, iq: BinaryNode): void {
  for (const key of getBinaryNodeChildren(getBinaryNodeChild(iq, "list"), "key")) {
    const id = childBuffer(key, "id");
    if (id.length === 3) companion.preKeys.set(id.readUIntBE(0, 3), childBuffer(key, "value"));
  }
  ctx.changed();
}

/**
 * The answer to an IQ Baileys sends on connect or while open (undefined = none). Unknown IQs get an empty result:
 * an unanswered IQ blocks its caller in Baileys for `defaultQueryTimeoutMs` (60 s).
 */
export function answerIq(
  ctx: SimContext,
  pairing: Pairing,
  connection: Connection,
  session: IqSession,
  iq: BinaryNode,
): BinaryNode | undefined {
  const type = iq.attrs.type;
  const xmlns = iq.attrs.xmlns;
  const child = firstChild(iq);

  if (type === "result" || type === "error") {
    if (getBinaryNodeChild(iq, "pair-device-sign")) pairing.handlePairDeviceSign(connection);
    return undefined;
  }
  if (xmlns === "md") {
    if (getBinaryNodeChild(iq, "link_code_companion_reg")) return pairing.answerLinkCodeIq(connection, iq);
    if (child?.tag === "remove-companion-device" && session) {
      session.companion.removed = true;
      ctx.changed();
      ctx.logger.info({ phone: session.account.phone, deviceId: session.companion.deviceId }, "companion logged out");
    }
    return iqResult(iq);
  }
  if (xmlns === "encrypt") {
    if (child?.tag === "count")
      return iqResult(iq, [node("count", { value: String(session?.companion.preKeys.size ?? 0) })]);
    if (type === "set" && getBinaryNodeChild(iq, "registration")) {
      if (session) storePreKeys(ctx, session.companion, iq);
      return iqResult(iq);
    }
    if (child?.tag === "digest") return iqResult(iq, [node("digest", {})]);
    if (child?.tag === "key") return iqResult(iq, answerKeyFetch(ctx, iq));
    return iqResult(iq);
  }
  switch (xmlns) {
    case "usync":
      return iqResult(iq, answerUsync(ctx, iq));
    case "abt":
      return iqResult(iq, [node("props", { protocol: "1", hash: "sim" }, [])]);
    case "blocklist":
      return iqResult(iq, [node("list", {}, [])]);
    case "privacy":
      // WhatsApp's defaults; `readreceipts: all` makes Baileys send `read` receipts the sender sees (blue ticks).
      return type === "get"
        ? iqResult(iq, [
            node(
              "privacy",
              {},
              Object.entries(DEFAULT_PRIVACY).map(([name, value]) => node("category", { name, value })),
            ),
          ])
        : iqResult(iq);
    case "w:mex":
      return answerMex(session, iq);
    default:
      return iqResult(iq);
  }
}

function answerMex(session: IqSession, iq: BinaryNode): BinaryNode {
  const queryId = getBinaryNodeChild(iq, "query")?.attrs.query_id;
  const faults = session?.account.faults;
  if (queryId === QueryIds.REACHOUT_TIMELOCK) {
    const lock = faults && isTimelocked(faults) ? faults.timelock : undefined;
    return mexResult(iq, "xwa2_fetch_account_reachout_timelock", {
      is_active: lock !== undefined,
      time_enforcement_ends: lock ? String(Math.floor(lock.until / 1000)) : "0",
      enforcement_type: lock?.enforcementType ?? "DEFAULT",
    });
  }
  if (queryId === QueryIds.MESSAGE_CAPPING_INFO) {
    const cap = faults?.newChatCap;
    return mexResult(iq, "xwa2_message_capping_info", {
      total_quota: cap?.quota ?? 0,
      used_quota: cap?.used ?? 0,
      capping_status: cap ? (cap.used >= cap.quota ? "CAPPED" : "NONE") : "NONE",
    });
  }
  return iqResult(iq, [node("result", {}, Buffer.from(JSON.stringify({ data: {} })))]);
}
