import { type BinaryNode, getBinaryNodeChild } from "@whiskeysockets/baileys";

export type { BinaryNode };
/** The server's own address in stanzas (Baileys' `S_WHATSAPP_NET` is this with a leading "@"). */
export const WA_SERVER = "s.whatsapp.net";

export function unixNow(): string {
  return Math.floor(Date.now() / 1000).toString();
}

export function childrenOf(node: BinaryNode | undefined): BinaryNode[] {
  return Array.isArray(node?.content) ? node.content : [];
}

export function firstChild(node: BinaryNode | undefined): BinaryNode | undefined {
  return childrenOf(node)[0];
}

export function contentBuffer(node: BinaryNode | undefined): Buffer {
  const content = node?.content;
  if (content instanceof Uint8Array) return Buffer.from(content);
  if (typeof content === "string") return Buffer.from(content, "utf8");
  return Buffer.alloc(0);
}

export function childBuffer(node: BinaryNode | undefined, tag: string): Buffer {
  return contentBuffer(getBinaryNodeChild(node, tag));
}

export function iqResult(request: BinaryNode, content?: BinaryNode[]): BinaryNode {
  const node: BinaryNode = { tag: "iq", attrs: { from: WA_SERVER, id: request.attrs.id ?? "", type: "result" } };
  if (content) node.content = content;
  return node;
}

export function iqError(request: BinaryNode, code: number, text: string): BinaryNode {
  return {
    tag: "iq",
    attrs: { from: WA_SERVER, id: request.attrs.id ?? "", type: "error" },
    content: [{ tag: "error", attrs: { code: String(code), text } }],
  };
}

export function node(tag: string, attrs: Record<string, string> = {}, content?: BinaryNode["content"]): BinaryNode {
  return content === undefined ? { tag, attrs } : { tag, attrs, content };
}
