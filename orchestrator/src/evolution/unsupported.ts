import type { RequestHandler } from "express";
import { AppError } from "../http/app-error.ts";

/**
 * Evolution routes Mirage does not serve, by path prefix, with what is missing. They answer 400 in Evolution's error
 * shape — as Evolution itself answers a feature that is switched off ("Chatwoot is not enabled") — so a client
 * sees the reason instead of a silent success. Routes in neither list answer 404 like Evolution's unknown routes.
 */
export const UNSUPPORTED: readonly { prefix: string; what: string }[] = [
  { prefix: "/message/sendMedia", what: "media messages" },
  { prefix: "/message/sendPtv", what: "media messages (video notes)" },
  { prefix: "/message/sendWhatsAppAudio", what: "media messages (audio)" },
  { prefix: "/message/sendSticker", what: "media messages (stickers)" },
  { prefix: "/message/sendStatus", what: "status (stories)" },
  { prefix: "/message/sendLocation", what: "location messages" },
  { prefix: "/message/sendContact", what: "contact cards" },
  { prefix: "/message/sendPoll", what: "polls" },
  { prefix: "/message/sendList", what: "list messages" },
  { prefix: "/message/sendButtons", what: "button messages" },
  { prefix: "/message/sendTemplate", what: "WhatsApp Business templates" },
  { prefix: "/chat/getBase64FromMediaMessage", what: "media messages" },
  { prefix: "/chat/", what: "this chat operation (profiles, archive, block, edit or delete messages)" },
  { prefix: "/group/", what: "groups" },
  { prefix: "/call/", what: "calls" },
  { prefix: "/label/", what: "labels" },
  { prefix: "/business/", what: "WhatsApp Business catalogs" },
  { prefix: "/template/", what: "WhatsApp Business templates" },
  { prefix: "/settings/", what: "instance settings (reject calls, always online, …)" },
  { prefix: "/proxy/", what: "proxies" },
  { prefix: "/typebot/", what: "the Typebot integration (point Typebot at the webhook instead)" },
  { prefix: "/chatwoot/", what: "the Chatwoot integration" },
  { prefix: "/openai/", what: "the OpenAI integration" },
  { prefix: "/dify/", what: "the Dify integration" },
  { prefix: "/flowise/", what: "the Flowise integration" },
  { prefix: "/evolutionBot/", what: "the Evolution bot integration" },
  { prefix: "/evoai/", what: "the EvoAI integration" },
  { prefix: "/n8n/", what: "the n8n bot integration (use n8n's webhook trigger with /webhook/set)" },
  { prefix: "/rabbitmq/", what: "RabbitMQ events (use webhooks)" },
  { prefix: "/sqs/", what: "SQS events (use webhooks)" },
  { prefix: "/nats/", what: "NATS events (use webhooks)" },
  { prefix: "/pusher/", what: "Pusher events (use webhooks)" },
  { prefix: "/websocket/", what: "Evolution's websocket events (use webhooks, or Mirage's socket.io)" },
  { prefix: "/s3/", what: "media storage" },
];

/** Mounted after the served routes: names what is missing for a known Evolution route, 404 otherwise. */
export const unsupportedHandler: RequestHandler = (req, _res, next) => {
  const hit = UNSUPPORTED.find((u) => req.path.startsWith(u.prefix));
  if (hit) {
    next(
      new AppError(
        "bad_request",
        `Mirage's Evolution API layer does not support ${hit.what} (${req.method} ${req.path})`,
      ),
    );
    return;
  }
  next(new AppError("not_found", `Cannot ${req.method} ${req.path}`));
};
