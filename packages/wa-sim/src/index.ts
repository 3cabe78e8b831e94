export { installSimulatorCertificate, trustedRootKeyHex, WHATSAPP_ROOT_PUBLIC_KEY_HEX } from "./certificate-hook.ts";
export type { ContactBehaviour, ScriptedReply } from "./contacts/contact.ts";
export type { UnknownNumberPolicy } from "./contacts/directory.ts";
export { type ControlServer, startControlServer } from "./control/http-api.ts";
export { ContactHandle } from "./core/contact-handle.ts";
export type { QrOptions } from "./core/context.ts";
export { type Fault, FaultSchema, ScheduledFaultSchema } from "./core/faults.ts";
export type {
  AccountPresence,
  DroppedMessage,
  MessageFilter,
  PresenceSeen,
  ReceivedMessage,
  SentByContact,
} from "./core/ground-truth.ts";
export { ACK_ERROR_RESTRICTED } from "./core/messaging.ts";
export { PairingError, parseQr } from "./core/pairing.ts";
export { DEFAULT_SEED, Simulator, type SimulatorOptions, simulatorRootPublicKey } from "./core/simulator.ts";
export { type DeviceInfo, VirtualPhone } from "./core/virtual-phone.ts";
