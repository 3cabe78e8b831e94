import type { TWorkerCommand, TWorkerCommandResult } from "@mirage/contracts/worker-bus";
import type { Logger } from "@mirage/logger";
import type { SessionHost } from "./session-host.ts";

/** Runs one orchestrator command against the host. */
export async function handleCommand(
  host: SessionHost,
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
  }
}
