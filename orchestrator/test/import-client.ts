import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { expect } from "vitest";
import { api, type Harness, type Json } from "./harness.ts";

/** A contact as the import tests compare them: what an import writes. */
export type ImportedContact = {
  phone: string;
  name: string | null;
  alt: string[];
  fields: Record<string, string>;
  tags: string[];
  line: string | null;
};

/** The import API as a client uses it (upload a file, wait for the import to end), and the contacts it wrote. */
export function importClient(h: Harness) {
  return {
    /** An organization with one member per role, Brazilian by default (numbers without a country code are BR). */
    async newOrg(slug: string): Promise<OrgFixture> {
      const org = await createOrgWithMembers(h.t.admin, slug);
      await h.t.admin`update public.organizations set default_country = 'BR' where id = ${org.orgId}`;
      return org;
    },
    /** POST …/imports with the file as the body (text/csv unless told), as `role` (marketer by default). */
    async upload(
      org: OrgFixture,
      body: Buffer | string,
      query: Record<string, string> = {},
      opts: { role?: keyof OrgFixture["users"]; contentType?: string } = {},
    ): Promise<{ status: number; body: Json }> {
      const token = await h.tokenFor(org.users[opts.role ?? "marketer"]);
      const qs = new URLSearchParams(query).toString();
      const res = await fetch(`${h.url}/api/v1/orgs/${org.orgId}/imports${qs ? `?${qs}` : ""}`, {
        method: "POST",
        headers: { authorization: `Bearer ${token}`, "content-type": opts.contentType ?? "text/csv" },
        body: typeof body === "string" ? body : new Uint8Array(body),
      });
      return { status: res.status, body: await res.json() };
    },
    /** The import once it completed or failed (polled every 50 ms, 30 s at most). */
    async finished(org: OrgFixture, importId: string): Promise<Json> {
      const token = await h.tokenFor(org.users.viewer);
      const started = Date.now();
      for (;;) {
        const res = await api(h, "get", `/api/v1/orgs/${org.orgId}/imports/${importId}`, { token });
        expect(res.status).toBe(200);
        if (res.body.status === "completed" || res.body.status === "failed") return res.body;
        if (Date.now() - started > 30_000) throw new Error(`import still ${res.body.status}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    /** The organization's contacts, by number. */
    async contactsOf(org: OrgFixture): Promise<ImportedContact[]> {
      return h.t.admin<ImportedContact[]>`
        select phone_e164 as phone, name, alt_phones as alt, custom_fields as fields, tags, line_type as line
        from public.contacts where org_id = ${org.orgId} order by phone_e164 collate "C"`;
    },
  };
}

export type ImportClient = ReturnType<typeof importClient>;
