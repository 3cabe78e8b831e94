import type { Logger } from "@mirage/logger";

/**
 * The logger handed to Baileys, one of its errors told as what it is: after a QR scan or pairing code, WhatsApp
 * closes the stream with code 515 ("restart required") and the client reconnects with its new credentials — every
 * pairing does it, yet Baileys logs it as an error ("stream errored out"), which reads as a fault in the logs. That
 * one is logged at info (hidden at the usual warn level); everything else, its children included, is unchanged.
 */
export function baileysLogger(logger: Logger): Logger {
  // Baileys calls its logger many times per message: each method is bound once, not on every call.
  const bound = new WeakMap<object, unknown>();
  return new Proxy(logger, {
    get(target, key) {
      if (key === "error") {
        return (obj: unknown, ...rest: unknown[]) =>
          isRestartRequired(obj, rest[0])
            ? (target.info as (...a: unknown[]) => void)(obj, ...rest)
            : (target.error as (...a: unknown[]) => void)(obj, ...rest);
      }
      if (key === "child") {
        return (...args: Parameters<Logger["child"]>) => baileysLogger(target.child(...args) as unknown as Logger);
      }
      const value = Reflect.get(target, key, target) as unknown;
      if (typeof value !== "function") return value;
      let fn = bound.get(value);
      if (!fn) {
        fn = value.bind(target);
        bound.set(value, fn);
      }
      return fn;
    },
  });
}

/**
 * The logger a session hands Baileys: the worker's (its level set by WORKER_BAILEYS_DEBUG) when it has one, else
 * the instance's at warn — wrapped either way. The real worker always passes its own, and only the fallback was
 * wrapped, so every pairing still logged "stream errored out" as an error.
 */
export function sessionBaileysLogger(configured: Logger | undefined, instance: Logger): Logger {
  return baileysLogger(configured ?? (instance.child({ module: "baileys" }, { level: "warn" }) as unknown as Logger));
}

function isRestartRequired(obj: unknown, msg: unknown): boolean {
  if (msg !== "stream errored out" || typeof obj !== "object" || obj === null) return false;
  const node = (obj as { fullErrorNode?: { attrs?: { code?: unknown } } }).fullErrorNode;
  return String(node?.attrs?.code) === "515";
}
