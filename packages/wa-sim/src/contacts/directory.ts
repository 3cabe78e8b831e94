import { isValidPhone } from "../core/accounts.ts";
import { type ContactBehaviour, DEFAULT_CONTACT_BEHAVIOUR, VirtualContact } from "./contact.ts";

export type UnknownNumberPolicy = "on-whatsapp" | "not-on-whatsapp";

/**
 * Every number a companion may look up. Numbers nobody configured are created on first use, following the
 * simulator's policy, with keys and LIDs derived from the seed: the same seed always gives the same contacts.
 */
export class ContactDirectory {
  private readonly byPhone = new Map<string, VirtualContact>();
  private readonly byLid = new Map<string, VirtualContact>();

  constructor(
    private readonly seed: string,
    private readonly policy: UnknownNumberPolicy,
    private readonly defaults: Partial<ContactBehaviour> = {},
    /** Called when a contact is created or changed (the simulator saves its state then). */
    private readonly onChange: () => void = () => {},
  ) {}

  /** Creates or reconfigures a contact. */
  configure(phone: string, behaviour: Partial<ContactBehaviour> = {}): VirtualContact {
    const contact = this.ensure(phone);
    contact.behaviour = { ...contact.behaviour, ...behaviour };
    this.onChange();
    return contact;
  }

  ensure(phone: string): VirtualContact {
    const existing = this.byPhone.get(phone);
    if (existing) return existing;
    if (!isValidPhone(phone)) throw new Error(`invalid phone number "${phone}": digits with country code`);
    const contact = new VirtualContact(
      phone,
      this.seed,
      { ...DEFAULT_CONTACT_BEHAVIOUR, ...this.defaults, onWhatsApp: this.policy === "on-whatsapp" },
      this.onChange,
    );
    this.byPhone.set(phone, contact);
    this.byLid.set(contact.lid, contact);
    return contact;
  }

  get(phone: string): VirtualContact | undefined {
    return this.byPhone.get(phone);
  }

  /**
   * The contact behind a JID's user part: `server` "lid" looks up LIDs, anything else phone numbers (created on
   * first use). A LID nobody was given resolves to nothing, like a LID the real server never issued.
   */
  findByUser(user: string, server = "s.whatsapp.net"): VirtualContact | undefined {
    if (server === "lid") {
      const byLid = this.byLid.get(user);
      return byLid?.behaviour.hasLid ? byLid : undefined;
    }
    return this.byPhone.get(user) ?? (isValidPhone(user) ? this.ensure(user) : undefined);
  }

  all(): VirtualContact[] {
    return [...this.byPhone.values()];
  }

  /** Forgets every contact (a state file that failed to restore halfway). */
  clear(): void {
    this.byPhone.clear();
    this.byLid.clear();
  }
}
