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
  /** Numbers a test or the control API configured (not merely looked up and created on the fly). */
  private readonly configured = new Set<string>();

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
    this.configured.add(phone);
    this.onChange();
    return contact;
  }

  /**
   * The number WhatsApp knows for `phone`. Brazilian mobiles gained a ninth digit, and accounts registered before it
   * are still known without it (and newer ones only with it): when `phone` was not configured but its other form
   * was, the other form is the registered one. Everything else is registered as written.
   */
  registeredNumber(phone: string): string {
    if (this.configured.has(phone)) return phone;
    const variant = brazilianVariant(phone);
    return variant && this.configured.has(variant) ? variant : phone;
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
    this.configured.clear();
  }
}

/** A Brazilian mobile's other form: with the ninth digit added or removed; undefined for anything else. */
export function brazilianVariant(phone: string): string | undefined {
  const m = /^55(\d{2})(\d{8,9})$/.exec(phone);
  if (!m) return undefined;
  const area = m[1] as string;
  const subscriber = m[2] as string;
  if (subscriber.length === 9 && subscriber.startsWith("9") && /^[6-9]/.test(subscriber.slice(1))) {
    return `55${area}${subscriber.slice(1)}`;
  }
  if (subscriber.length === 8 && /^[6-9]/.test(subscriber)) return `55${area}9${subscriber}`;
  return undefined;
}
