import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Logger } from "@mirage/logger";
import { ZodError } from "zod";
import { UnknownQuoteError } from "../core/messaging.ts";
import { PairingError } from "../core/pairing.ts";
import type { Simulator } from "../core/simulator.ts";
import {
  ContactActionRequest,
  ContactBehaviourPatch,
  ContactSendRequest,
  ContactTypingRequest,
  FaultRequest,
  MessagesQuery,
  PairingCodeRequest,
  PhoneParam,
  ScanRequest,
} from "./schemas.ts";

export type ControlServer = { url: string; close: () => Promise<void> };

type Route = {
  method: string;
  pattern: RegExp;
  handle: (ctx: {
    params: string[];
    body: unknown;
    query: URLSearchParams;
  }) => Promise<[number, unknown]> | [number, unknown];
};

class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

const MAX_BODY_BYTES = 1_000_000;

async function readJson(req: IncomingMessage): Promise<unknown> {
  let size = 0;
  const chunks: Buffer[] = [];
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "body too large");
    chunks.push(chunk as Buffer);
  }
  if (chunks.length === 0) return {};
  try {
    return JSON.parse(Buffer.concat(chunks).toString("utf8"));
  } catch {
    throw new HttpError(400, "body is not JSON");
  }
}

function pairingStatus(err: PairingError): number {
  return err.code === "qr-expired"
    ? 410
    : err.code === "qr-malformed"
      ? 400
      : err.code === "wrong-pairing-code"
        ? 422
        : 409;
}

function routes(sim: Simulator): Route[] {
  const phone = (params: string[], i = 0) => PhoneParam.parse(params[i]);
  return [
    {
      method: "GET",
      pattern: /^\/health$/,
      handle: () => [
        200,
        {
          ok: true,
          websocketUrl: sim.url,
          rootPublicKey: sim.rootPublicKey.toString("hex"),
          seed: sim.seed,
          stateFile: sim.stateFilePath ?? null,
          ...sim.stats(),
        },
      ],
    },
    { method: "GET", pattern: /^\/accounts$/, handle: () => [200, sim.accounts().map((a) => a.describe())] },
    {
      method: "GET",
      pattern: /^\/accounts\/([^/]+)$/,
      handle: ({ params }) => [200, sim.phone(phone(params)).describe()],
    },
    {
      method: "POST",
      pattern: /^\/accounts\/([^/]+)\/scan$/,
      handle: ({ params, body }) => [200, sim.phone(phone(params)).scan(ScanRequest.parse(body).qr)],
    },
    {
      method: "POST",
      pattern: /^\/accounts\/([^/]+)\/pairing-code$/,
      handle: async ({ params, body }) => {
        await sim.phone(phone(params)).enterPairingCode(PairingCodeRequest.parse(body).code);
        return [200, { paired: true }];
      },
    },
    {
      method: "POST",
      pattern: /^\/accounts\/([^/]+)\/faults$/,
      handle: ({ params, body }) => {
        const request = FaultRequest.parse(body);
        sim.phone(phone(params)).fault(request.fault, { afterMs: request.afterMs ?? 0 });
        return [202, { accepted: request.fault.type, afterMs: request.afterMs ?? 0 }];
      },
    },
    {
      method: "DELETE",
      pattern: /^\/accounts\/([^/]+)\/faults$/,
      handle: ({ params }) => {
        sim.phone(phone(params)).fault({ type: "clear" });
        return [200, sim.phone(phone(params)).describe()];
      },
    },
    {
      method: "GET",
      pattern: /^\/messages$/,
      handle: ({ query }) => {
        const filter = MessagesQuery.parse(Object.fromEntries(query));
        return [200, sim.groundTruth.messages(filter)];
      },
    },
    {
      method: "PUT",
      pattern: /^\/contacts\/([^/]+)$/,
      handle: ({ params, body }) => {
        const contact = sim.contact(phone(params), ContactBehaviourPatch.parse(body));
        return [200, { phone: contact.phone, lid: contact.lid, ...contact.behaviour }];
      },
    },
    {
      method: "GET",
      pattern: /^\/contacts\/([^/]+)$/,
      handle: ({ params }) => {
        const contact = sim.contact(phone(params));
        return [200, { phone: contact.phone, lid: contact.lid, ...contact.behaviour }];
      },
    },
    {
      method: "GET",
      pattern: /^\/contacts\/([^/]+)\/messages$/,
      handle: ({ params, query }) => {
        const account = query.get("account");
        return [200, sim.contact(phone(params)).messages(account ? PhoneParam.parse(account) : undefined)];
      },
    },
    {
      method: "POST",
      pattern: /^\/contacts\/([^/]+)\/messages$/,
      handle: async ({ params, body }) => {
        const request = ContactSendRequest.parse(body);
        const contact = sim.contact(phone(params));
        const quote = request.quote ? { quote: request.quote } : {};
        const id = request.media
          ? await contact.sendMedia(request.to, request.media, { caption: request.text, ...quote })
          : await contact.sendText(request.to, request.text, quote);
        return [201, { id }];
      },
    },
    {
      method: "POST",
      pattern: /^\/contacts\/([^/]+)\/actions$/,
      handle: async ({ params, body }) => {
        const request = ContactActionRequest.parse(body);
        const contact = sim.contact(phone(params));
        const id =
          request.kind === "reaction"
            ? await contact.react(request.to, request.messageId, request.emoji)
            : request.kind === "edit"
              ? await contact.edit(request.to, request.messageId, request.text)
              : await contact.deleteForEveryone(request.to, request.messageId);
        return [201, { id }];
      },
    },
    {
      method: "POST",
      pattern: /^\/contacts\/([^/]+)\/retries$/,
      handle: ({ params }) => [200, { sent: sim.contact(phone(params)).sendHeldRetries() }],
    },
    {
      method: "POST",
      pattern: /^\/contacts\/([^/]+)\/typing$/,
      handle: ({ params, body }) => {
        const request = ContactTypingRequest.parse(body);
        sim.contact(phone(params)).typing(request.to, request.state);
        return [202, { state: request.state }];
      },
    },
  ];
}

/**
 * The simulator's HTTP control API (JSON in and out, zod-validated): what a test or an operator does with the
 * virtual phones and contacts from outside the process. See the package README for the routes.
 */
export async function startControlServer(
  sim: Simulator,
  options: { host?: string; port?: number; logger?: Logger } = {},
): Promise<ControlServer> {
  const table = routes(sim);
  const respond = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { "content-type": "application/json" });
    res.end(JSON.stringify(body));
  };
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      try {
        const candidates = table.filter((r) => r.pattern.test(url.pathname));
        if (candidates.length === 0) throw new HttpError(404, "no such route");
        const route = candidates.find((r) => r.method === req.method);
        if (!route) throw new HttpError(405, "method not allowed");
        const params = (route.pattern.exec(url.pathname) ?? []).slice(1).map(decodeURIComponent);
        const body = req.method === "GET" || req.method === "DELETE" ? {} : await readJson(req);
        const [status, payload] = await route.handle({ params, body, query: url.searchParams });
        respond(res, status, payload);
      } catch (err) {
        if (err instanceof ZodError) return respond(res, 400, { error: "invalid request", issues: err.issues });
        if (err instanceof HttpError) return respond(res, err.status, { error: err.message });
        if (err instanceof UnknownQuoteError) return respond(res, 404, { error: err.message });
        if (err instanceof PairingError)
          return respond(res, pairingStatus(err), { error: err.code, message: err.message });
        options.logger?.error({ err, path: url.pathname }, "control API request failed");
        return respond(res, 500, { error: "internal error" });
      }
    })();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, options.host ?? "127.0.0.1", resolve);
  });
  const address = server.address() as AddressInfo;
  return {
    url: `http://${address.address}:${address.port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
