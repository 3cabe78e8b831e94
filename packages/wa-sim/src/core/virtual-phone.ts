import type { Account } from "./accounts.ts";
import type { Timers } from "./context.ts";
import { type Fault, FaultSchema } from "./faults.ts";
import type { Pairing } from "./pairing.ts";

export type DeviceInfo = { deviceId: number; online: boolean; removed: boolean; pairedAt: Date; preKeys: number };

type PhoneDeps = {
  pairing: Pairing;
  applyFault: (account: Account, fault: Fault) => void;
  timers: Timers;
};

/** The phone that owns an account: links companions (QR or pairing code), removes them, and suffers faults. */
export class VirtualPhone {
  constructor(
    private readonly account: Account,
    private readonly deps: PhoneDeps,
  ) {}

  get number(): string {
    return this.account.phone;
  }

  /** The account's LID user part (`<lid>@lid`). */
  get lid(): string {
    return this.account.lid;
  }

  /** Scans the QR string a client emitted in `connection.update.qr`; throws `PairingError` when it expired. */
  scan(qr: string): { deviceId: number } {
    return this.deps.pairing.scan(this.account, qr);
  }

  /** Types the 8-character code `requestPairingCode(this.number)` returned; resolves once the client is linked. */
  enterPairingCode(code: string): Promise<void> {
    return this.deps.pairing.enterPairingCode(this.account, code);
  }

  /** Applies a fault now, or after `afterMs`. */
  fault(input: Fault, options: { afterMs?: number } = {}): void {
    // Validate now so a bad scheduled fault fails the caller, not a timer.
    const fault = FaultSchema.parse(input);
    if (options.afterMs && options.afterMs > 0) {
      this.deps.timers.after(options.afterMs, () => this.deps.applyFault(this.account, fault));
      return;
    }
    this.deps.applyFault(this.account, fault);
  }

  /** Applies faults on a schedule (ms from now). */
  schedule(faults: Array<{ afterMs: number; fault: Fault }>): void {
    for (const item of faults) this.fault(item.fault, { afterMs: item.afterMs });
  }

  devices(): DeviceInfo[] {
    return [...this.account.companions.values()].map((c) => ({
      deviceId: c.deviceId,
      online: c.connection?.isOpen === true,
      removed: c.removed,
      pairedAt: c.pairedAt,
      preKeys: c.preKeys.size,
    }));
  }

  /** The account's state as the control API shows it. */
  describe() {
    const { faults } = this.account;
    return {
      phone: this.account.phone,
      lid: this.account.lid,
      banned: this.account.banned,
      devices: this.devices(),
      chatsStarted: this.account.chatsStarted.size,
      faults: {
        timelockUntil: faults.timelock ? new Date(faults.timelock.until).toISOString() : null,
        newChatCap: faults.newChatCap ?? null,
        acks: faults.ack ?? null,
        latency: faults.latency ?? null,
      },
    };
  }
}
