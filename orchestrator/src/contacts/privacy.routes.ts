import { listOf } from "@mirage/contracts/common";
import {
  ZConsentEvent,
  ZConsentRequest,
  ZContactExport,
  ZContactParams,
  ZEraseResponse,
} from "@mirage/contracts/contacts";
import type { Database } from "@mirage/db";
import {
  eraseContact,
  exportContactData,
  exportPendingChanges,
  listConsentEvents,
  type PrivacyTarget,
  recordConsent,
} from "@mirage/db/contact-privacy";
import { findContact } from "@mirage/db/contacts";
import { parsePhone, whatsAppCandidates } from "@mirage/phone";
import { removeJobsNaming } from "@mirage/queue/erasure";
import type { Redis } from "ioredis";
import { audit } from "../audit/record.ts";
import { ALL_ROLES, MARKETING_ROLES, withOrg } from "../auth/principal.ts";
import { AppError } from "../http/app-error.ts";
import { defineRoute, type RouteDef } from "../http/route.ts";
import { toContactDto } from "./dto.ts";

/** Where erasure looks for queued jobs naming the person: the queues' Redis and key prefix (QUEUE_PREFIX). */
export type ErasureQueues = { redis: Redis; prefix: string };

/** The workers hosting the organization's numbers, told to forget an erased person (see InstanceControl). */
export type ErasureWorkers = {
  forgetPerson(orgId: string, users: string[]): Promise<{ numbers: number; keys: number }>;
};

export type PrivacyDeps = { db: Database; queues?: ErasureQueues; workers?: ErasureWorkers };

/** Consent and the data-subject rights (LGPD Art. 18): access (export) and erasure. All audited. */
export function privacyRoutes(deps: PrivacyDeps): RouteDef[] {
  const { db } = deps;
  const toEvent = (e: Awaited<ReturnType<typeof listConsentEvents>>[number]) => ({
    ...e,
    createdAt: e.createdAt.toISOString(),
  });
  return [
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/contacts/:contactId/consent",
      summary: "Record an opt-in or opt-out with its source (kept as evidence, never edited)",
      tags: ["contacts"],
      auth: { kind: "any", scopes: ["campaigns"] },
      roles: MARKETING_ROLES,
      params: ZContactParams,
      body: ZConsentRequest,
      responses: { 201: { description: "The recorded event", schema: ZConsentEvent } },
      async handler({ params, body, principal }, req) {
        const ev = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          if (!(await findContact(tx, params.orgId, params.contactId)))
            throw new AppError("not_found", "contact not found");
          const row = await recordConsent(tx, {
            orgId: params.orgId,
            contactId: params.contactId,
            state: body.state,
            source: body.source,
            evidence: body.evidence ?? null,
          });
          await audit(tx, req, {
            orgId: params.orgId,
            action: `contact.consent.${body.state}`,
            targetType: "contact",
            targetId: params.contactId,
            detail: { source: body.source },
          });
          return row;
        });
        return { status: 201, body: toEvent(ev) };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts/:contactId/consent",
      summary: "A contact's consent history, oldest first",
      tags: ["contacts"],
      auth: { kind: "any", scopes: ["read", "campaigns"] },
      roles: ALL_ROLES,
      params: ZContactParams,
      responses: {
        200: {
          description: "Events",
          schema: listOf(ZConsentEvent),
          example: { items: [ZConsentEvent.meta()?.example] },
        },
      },
      async handler({ params, principal }) {
        const rows = await withOrg(db, principal, params.orgId, ALL_ROLES, async (tx) => {
          if (!(await findContact(tx, params.orgId, params.contactId)))
            throw new AppError("not_found", "contact not found");
          return listConsentEvents(tx, params.orgId, params.contactId);
        });
        return { status: 200, body: { items: rows.map(toEvent) } };
      },
    }),
    defineRoute({
      method: "get",
      path: "/orgs/:orgId/contacts/:contactId/export",
      summary: "Everything held about one contact, as JSON (data-subject access request)",
      tags: ["contacts"],
      auth: { kind: "user" },
      roles: MARKETING_ROLES,
      params: ZContactParams,
      responses: {
        200: {
          description: "The contact, consent history, lists, messages, blacklist entries",
          schema: ZContactExport,
        },
      },
      async handler({ params, principal }, req) {
        const out = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const c = await findContact(tx, params.orgId, params.contactId);
          if (!c) throw new AppError("not_found", "contact not found");
          const consent = await listConsentEvents(tx, params.orgId, c.id);
          const target = privacyTarget(c);
          const rest = await exportContactData(tx, params.orgId, target);
          await audit(tx, req, {
            orgId: params.orgId,
            action: "contact.export",
            targetType: "contact",
            targetId: c.id,
          });
          return {
            target,
            body: {
              exportedAt: new Date().toISOString(),
              contact: toContactDto(c),
              consent: consent.map(toEvent),
              ...rest,
            },
          };
        });
        // Read by the service, the caller's access to the contact proven above.
        const pendingChanges = await db.asService((tx) => exportPendingChanges(tx, params.orgId, out.target));
        return { status: 200, body: { ...out.body, pendingChanges } };
      },
    }),
    defineRoute({
      method: "post",
      path: "/orgs/:orgId/contacts/:contactId/erase",
      summary: "Erase a contact: the person's data and messages are deleted; a salted hash keeps the number blocked",
      description:
        "Deletes the contact, its consent history and list memberships, every message to or from its numbers (in " +
        "any form WhatsApp treats as the same line) or LID, its inbox conversations with their internal notes, " +
        "import errors quoting its number, webhook deliveries carrying any of it, and the cached on-WhatsApp lookup " +
        "of its number unless another organization holds it. Blacklist entries naming its numbers or LID are " +
        "replaced by a salted hash of each number and of the LID, added if none existed, so the person is never " +
        "messaged again (a send to them is refused, 422 recipient_erased) and an opt-out survives. Saved segments whose filter quotes its number keep " +
        "the condition with `[erased]` as its value (each change audited), and audit entries quoting it keep " +
        "their action, actor and time with the quote replaced. Queued commands to the numbers' workers naming it " +
        "(on-WhatsApp checks, presence, read receipts, reactions, and their kept results) are removed — one a worker " +
        "is running is removed once it ends (the answer waits up to 5 s for it) — and so are " +
        "the encryption keys the organization's numbers kept for the person (their ids name the number), stored " +
        "and in the memory of the workers hosting the numbers (`numbersForgotten` counts those that confirmed). An open " +
        "inbox drops its conversations live. The audit log records the erasure without the number.",
      tags: ["contacts"],
      auth: { kind: "user" },
      roles: MARKETING_ROLES,
      params: ZContactParams,
      responses: { 200: { description: "Erased", schema: ZEraseResponse } },
      async handler({ params, principal }, req) {
        // One transaction: the role check, the audit row and the whole erasure commit together or not at all.
        const deleted = await withOrg(db, principal, params.orgId, MARKETING_ROLES, async (tx) => {
          const row = await findContact(tx, params.orgId, params.contactId);
          if (!row) throw new AppError("not_found", "contact not found");
          // Audited before the rows go, without the number: the log must not keep what was erased.
          const auditId = await audit(tx, req, {
            orgId: params.orgId,
            action: "contact.erase",
            targetType: "contact",
            targetId: row.id,
          });
          const target = privacyTarget(row);
          const needles = [
            ...target.forms.map((f) => f.replace(/[^0-9]/g, "")),
            ...(target.waLid ? [target.waLid] : []),
          ];
          const { keyUsers, ...counts } = await eraseContact(
            tx,
            params.orgId,
            target,
            "contact erased (LGPD)",
            auditId,
          );
          // Inside the transaction, after the rows: a Redis failure rolls the erasure back, to be asked again,
          // rather than answer "erased" with the person still named in a queue.
          const queuedJobs = deps.queues ? await removeJobsNaming(deps.queues.redis, deps.queues.prefix, needles) : 0;
          return { counts: { ...counts, queuedJobs }, keyUsers, needles };
        });
        // Once committed (a worker reading the store now finds nothing): the workers drop their in-memory copies,
        // and delete what a key commit already under way wrote after the erasure's own delete.
        const forgotten = deps.workers
          ? await deps.workers.forgetPerson(params.orgId, deleted.keyUsers)
          : { numbers: 0, keys: 0 };
        // A command naming the person that a worker was running (so not removable above) ends within seconds: its
        // job, kept with its data and answer for ten minutes, goes once it ended.
        const lateJobs = deps.queues
          ? await removeJobsNaming(deps.queues.redis, deps.queues.prefix, deleted.needles, { activeWaitMs: 5_000 })
          : 0;
        const counts = {
          ...deleted.counts,
          queuedJobs: deleted.counts.queuedJobs + lateJobs,
          signalKeys: deleted.counts.signalKeys + forgotten.keys,
          numbersForgotten: forgotten.numbers,
        };
        return {
          status: 200,
          body: { erased: true, blacklistedHash: true, messagesDeleted: counts.messages, deleted: counts },
        };
      },
    }),
  ];
}

/**
 * The contact as the privacy queries look for it: its numbers in every form WhatsApp treats as the same line (a
 * message or conversation may carry the other ninth-digit form of a Brazilian mobile) and their national digits.
 */
function privacyTarget(c: { id: string; phone: string; altPhones: string[]; waLid: string | null }): PrivacyTarget {
  const phones = [c.phone, ...c.altPhones];
  const forms = [...new Set(phones.flatMap(whatsAppCandidates))];
  const nationalNumbers = [
    ...new Set(
      forms.flatMap((f) => {
        const p = parsePhone(f);
        return p.ok ? [p.phone.nationalNumber] : [];
      }),
    ),
  ];
  return { id: c.id, phones, forms, waLid: c.waLid, nationalNumbers };
}
