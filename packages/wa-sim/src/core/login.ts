import type { proto } from "@whiskeysockets/baileys";
import { node, unixNow, WA_SERVER } from "../protocol/nodes.ts";
import type { Connection } from "../transport/connection.ts";
import type { Account, Companion } from "./accounts.ts";
import type { SimContext } from "./context.ts";
import { latencyDelay } from "./faults.ts";

export type LoginOutcome = { account: Account; companion: Companion } | undefined;

/**
 * A client with credentials logs in (`ClientPayload.username` + `device`). The device must have been paired with
 * the same Noise key and not removed; a banned account gets 403. A second live socket for the same device takes
 * over and the older one gets `conflict` (440), as on the real service.
 */
export function handleLogin(
  ctx: SimContext,
  connection: Connection,
  noiseKey: string,
  payload: proto.ClientPayload,
): LoginOutcome {
  const phone = String(payload.username ?? "");
  const account = ctx.accounts.get(phone);
  const companion = account?.companions.get(payload.device ?? -1);
  if (!account || !companion || companion.noiseKey !== noiseKey || companion.removed) {
    connection.end(node("failure", { reason: "401", location: "sim" }));
    return undefined;
  }
  if (account.banned) {
    connection.end(node("failure", { reason: "403", location: "sim" }));
    return undefined;
  }
  const previous = companion.connection;
  if (previous && previous !== connection && previous.isOpen) {
    previous.end(node("stream:error", {}, [node("conflict", { type: "replaced" })]));
  }
  companion.connection = connection;
  connection.delay = () => latencyDelay(account.faults, ctx.random);
  ctx.send(
    connection,
    node("success", {
      t: unixNow(),
      props: "1",
      creation: String(Math.floor(companion.pairedAt.getTime() / 1000)),
      lid: `${account.lid}:${companion.deviceId}@lid`,
      location: "sim",
    }),
  );
  ctx.send(connection, node("ib", { from: WA_SERVER }, [node("offline", { count: "0" })]));
  return { account, companion };
}
