import {
  encodeBigEndian,
  getBinaryNodeChild,
  getBinaryNodeChildren,
  jidDecode,
  KEY_BUNDLE_TYPE,
} from "@whiskeysockets/baileys";
import type { SimContext } from "../core/context.ts";
import type { SignalIdentity } from "../crypto/keys.ts";
import { type BinaryNode, childrenOf, contentBuffer, node, WA_SERVER } from "../protocol/nodes.ts";

/** A `<user>` entry of a usync answer for one queried user. */
function usyncUser(ctx: SimContext, query: BinaryNode, user: BinaryNode): BinaryNode {
  const protocols = childrenOf(getBinaryNodeChild(query, "query")).map((p) => p.tag);
  const contactNode = getBinaryNodeChild(user, "contact");
  if (contactNode) {
    // onWhatsApp: the number is in the content, with or without '+'. The answer names the registered number, which
    // for an old Brazilian account is the form without the ninth digit (and the reverse for a new one).
    const asked = contentBuffer(contactNode).toString().replace(/^\+/, "");
    const phone = ctx.accounts.get(asked) ? asked : ctx.contacts.registeredNumber(asked);
    const contact = ctx.contacts.findByUser(phone);
    const account = ctx.accounts.get(phone);
    const isIn = account !== undefined || contact?.behaviour.onWhatsApp === true;
    const children = [node("contact", { type: isIn ? "in" : "out" })];
    const lid = account?.lid ?? (contact?.behaviour.hasLid ? contact.lid : undefined);
    if (isIn && lid && protocols.includes("lid")) children.push(node("lid", { val: `${lid}@lid` }));
    return node("user", { jid: `${phone}@${WA_SERVER}` }, children);
  }
  const jid = user.attrs.jid ?? "";
  const decoded = jidDecode(jid);
  const userPart = decoded?.user ?? "";
  const isLidJid = decoded?.server === "lid";
  const account = ctx.accounts.findByUser(userPart);
  const devices: BinaryNode[] = [node("device", { id: "0" })];
  let lid: string | undefined;
  if (account) {
    lid = account.lid;
    for (const companion of account.companions.values()) {
      if (companion.removed) continue;
      // Non-zero devices need a key-index or Baileys drops them.
      devices.push(node("device", { id: String(companion.deviceId), "key-index": String(companion.deviceId) }));
    }
  } else {
    const contact = ctx.contacts.findByUser(userPart, decoded?.server);
    if (!contact?.behaviour.onWhatsApp)
      return node("user", { jid }, [node("devices", {}, [node("device-list", {}, [])])]);
    lid = contact.behaviour.hasLid ? contact.lid : undefined;
  }
  const children: BinaryNode[] = [];
  if (protocols.includes("devices")) children.push(node("devices", {}, [node("device-list", {}, devices)]));
  if (protocols.includes("lid") && lid && !isLidJid) children.push(node("lid", { val: `${lid}@lid` }));
  return node("user", { jid }, children);
}

/** Answers `<iq xmlns="usync">`: contact (onWhatsApp), devices and lid protocols. */
export function answerUsync(ctx: SimContext, iq: BinaryNode): BinaryNode[] {
  const usync = getBinaryNodeChild(iq, "usync");
  const users = getBinaryNodeChildren(getBinaryNodeChild(usync, "list"), "user");
  return [
    node("usync", { sid: usync?.attrs.sid ?? "", mode: usync?.attrs.mode ?? "query", last: "true", index: "0" }, [
      node(
        "list",
        {},
        users.map((u) => usyncUser(ctx, usync ?? iq, u)),
      ),
    ]),
  ];
}

type Bundle = {
  registrationId: number;
  identity: Uint8Array;
  signed: { keyId: number; publicKey: Uint8Array; signature: Uint8Array };
  preKey: { keyId: number; publicKey: Uint8Array } | undefined;
};

function bundleFor(ctx: SimContext, jid: string): Bundle | undefined {
  const decoded = jidDecode(jid);
  if (!decoded?.user) return undefined;
  const device = decoded.device ?? 0;
  const account = ctx.accounts.findByUser(decoded.user);
  if (account) {
    if (device === 0) return identityBundle(account.phoneIdentity);
    const companion = account.companions.get(device);
    if (!companion || companion.removed) return undefined;
    const [first] = companion.preKeys.entries();
    if (first) {
      companion.preKeys.delete(first[0]);
      ctx.changed();
    }
    return {
      registrationId: companion.keys.registrationId,
      identity: companion.keys.identityKey,
      signed: companion.keys.signedPreKey,
      preKey: first ? { keyId: first[0], publicKey: first[1] } : undefined,
    };
  }
  const contact = device === 0 ? ctx.contacts.findByUser(decoded.user, decoded.server) : undefined;
  if (!contact?.behaviour.onWhatsApp) return undefined;
  return identityBundle(contact.identity);
}

/** The bundle of a phone-side identity (an account's phone, or a contact): one signed pre-key, one pre-key. */
function identityBundle(id: SignalIdentity) {
  return {
    registrationId: id.registrationId,
    identity: id.identity.public,
    signed: {
      keyId: id.signedPreKey.keyId,
      publicKey: id.signedPreKey.keyPair.public,
      signature: Buffer.from(id.signedPreKey.signature),
    },
    preKey: { keyId: id.preKey.keyId, publicKey: id.preKey.keyPair.public },
  };
}

/** Answers `<iq xmlns="encrypt" type="get"><key>`: one pre-key bundle per requested device. */
export function answerKeyFetch(ctx: SimContext, iq: BinaryNode): BinaryNode[] {
  const users = getBinaryNodeChildren(getBinaryNodeChild(iq, "key"), "user");
  return [
    node(
      "list",
      {},
      users.map((u) => {
        const jid = u.attrs.jid ?? "";
        const bundle = bundleFor(ctx, jid);
        if (!bundle) return node("user", { jid }, [node("error", { code: "404", text: "item-not-found" })]);
        const children: BinaryNode[] = [
          node("registration", {}, encodeBigEndian(bundle.registrationId)),
          node("type", {}, KEY_BUNDLE_TYPE),
          node("identity", {}, bundle.identity),
          node("skey", {}, [
            node("id", {}, encodeBigEndian(bundle.signed.keyId, 3)),
            node("value", {}, bundle.signed.publicKey),
            node("signature", {}, bundle.signed.signature),
          ]),
        ];
        if (bundle.preKey) {
          children.push(
            node("key", {}, [
              node("id", {}, encodeBigEndian(bundle.preKey.keyId, 3)),
              node("value", {}, bundle.preKey.publicKey),
            ]),
          );
        }
        return node("user", { jid }, children);
      }),
    ),
  ];
}
