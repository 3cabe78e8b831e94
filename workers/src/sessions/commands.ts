import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Logger } from "@mirage/logger";

/** The host's command methods (a structural type, so this module does not import the host). */
type CommandTarget = {
  [K in "start" | "stop" | "restart" | "logout" | "remove"]: (instanceId: string) => Promise<TWorkerCommandResult>;
} & {
  requestPairingCode(instanceId: string, phoneDigits: string): Promise<TWorkerCommandResult>;
  forgetPerson(instanceId: string, users: string[]): Promise<TWorkerCommandResult>;
};

/** Runs one orchestrator command against the host. */
export async function handleCommand(
  host: CommandTarget,
  command: TWorkerCommand,
  logger: Logger,
): Promise<TWorkerCommandResult> {
  logger.info({ command: command.type, instanceId: command.instanceId }, "command");
  switch (command.type) {
    case "start":
      return host.start(command.instanceId);
    case "stop":
      return host.stop(command.instanceId);
    case "restart":
      return host.restart(command.instanceId);
    case "logout":
      return host.logout(command.instanceId);
    case "delete":
      return host.remove(command.instanceId);
    case "pairing-code":
      return host.requestPairingCode(command.instanceId, command.phoneDigits);
    case "forget-person":
      return host.forgetPerson(command.instanceId, command.users);
    default:
      // Commands about what an instance says (on-WhatsApp checks, presence, read receipts) belong to the consumers
      // built on the sessions port; the composition root routes them there before reaching the host.
      return { ok: false, outcome: "unsupported_command" };
  }
}
