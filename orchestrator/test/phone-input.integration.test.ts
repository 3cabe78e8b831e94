import { createOrgWithMembers, type OrgFixture } from "@mirage/testing/fixtures";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { api, type Harness, type Json, startHarness } from "./harness.ts";

// Phone numbers enter the API in any written form and leave it as E.164, through @mirage/phone with the
// organization's default country.
let h: Harness;
let a: OrgFixture;
let owner: string;

beforeAll(async () => {
  h = await startHarness({ WEBHOOK_WORKER_ENABLED: "false", PLACEMENT_ENABLED: "false" });
  a = await createOrgWithMembers(h.t.admin, "phone-a");
  owner = await h.tokenFor(a.users.owner);
});
afterAll(async () => {
  await h?.close();
});

const org = () => `/api/v1/orgs/${a.orgId}`;
let n = 0;
/** Creates an instance with the number, then deletes it again (a number is unique per organization). */
async function create(phone: string) {
  const res = await api(h, "post", `${org()}/instances`, { token: owner, body: { name: `p-${++n}`, phone } });
  if (res.status === 201) await h.t.admin`delete from public.instances where id = ${res.body.id}`;
  return res;
}

describe("the organization's default country", () => {
  it("is set, normalized to upper case, validated against known countries, and cleared", async () => {
    expect((await api(h, "get", org(), { token: owner })).body.defaultCountry).toBeNull();
    const set = await api(h, "patch", org(), { token: owner, body: { defaultCountry: "br" } });
    expect(set.status).toBe(200);
    expect(set.body.defaultCountry).toBe("BR");
    for (const bad of ["XX", "BRA", "1a", ""]) {
      const res = await api(h, "patch", org(), { token: owner, body: { defaultCountry: bad } });
      expect(res.status, bad).toBe(400);
      expect(JSON.stringify(res.body.errors)).toContain("defaultCountry");
    }
    const viewer = await api(h, "patch", org(), {
      token: await h.tokenFor(a.users.viewer),
      body: { defaultCountry: "US" },
    });
    expect(viewer.status).toBe(403);
    expect(
      (await api(h, "patch", org(), { token: owner, body: { defaultCountry: null } })).body.defaultCountry,
    ).toBeNull();
  });
});

describe("numbers in any written form", () => {
  it("without a default country: international forms work, a national form is refused naming the reason", async () => {
    await api(h, "patch", org(), { token: owner, body: { defaultCountry: null } });
    for (const written of ["+55 11 99999-0001", "5511999990001", " +5511999990001", "0055 11 99999 0001"]) {
      const res = await create(written);
      expect(res.status, `${written}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.phone).toBe("+5511999990001");
    }
    const national = await create("(11) 99999-0001");
    expect(national.status).toBe(422);
    expect(national.body.code).toBe("invalid_phone");
    expect(national.body.detail).toContain("country");
  });

  it("one number per organization, whatever its written form: the conflict names the number", async () => {
    await api(h, "patch", org(), { token: owner, body: { defaultCountry: "BR" } });
    const first = await api(h, "post", `${org()}/instances`, {
      token: owner,
      body: { name: "dup-1", phone: "+55 11 98888-0001" },
    });
    expect(first.status).toBe(201);
    const again = await api(h, "post", `${org()}/instances`, {
      token: owner,
      body: { name: "dup-2", phone: "(11) 98888-0001" },
    });
    expect(again.status).toBe(409);
    expect(again.body.detail).toContain("+5511988880001");
    await h.t.admin`delete from public.instances where id = ${first.body.id}`;
  });

  it("with the default country BR: the national form works too, and a trunk zero is not kept", async () => {
    await api(h, "patch", org(), { token: owner, body: { defaultCountry: "BR" } });
    for (const written of ["(11) 99999-0001", "011 99999-0001", "+55 011 99999-0001", "+55 11 99999-0001"]) {
      const res = await create(written);
      expect(res.status, `${written}: ${JSON.stringify(res.body)}`).toBe(201);
      expect(res.body.phone).toBe("+5511999990001");
    }
  });

  it("refuses impossible numbers with 422 invalid_phone and the reason, for every place a number enters", async () => {
    const cases: [string, RegExp][] = [
      ["12", /too short|not a possible/],
      ["+55 11 99999-00011234", /too long|length|not a possible/],
      ["call me", /not written as a number/],
      ["+999 1234 5678", /not a possible|country|length/],
    ];
    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'pair-me') returning id`;
    for (const [written, reason] of cases) {
      const created = await create(written);
      expect(created.status, written).toBe(422);
      expect(created.body.code).toBe("invalid_phone");
      expect(created.body.detail).toMatch(reason);
      expect(created.body.errors[0].path).toBe("body.phone");
      const pairing = await api(h, "post", `${org()}/instances/${inst?.id}/pairing-code`, {
        token: owner,
        body: { phone: written },
      });
      expect(pairing.status, written).toBe(422);
      expect(pairing.body.code).toBe("invalid_phone");
    }
  });

  it("the pairing code request normalizes too: a valid national number reaches the worker step", async () => {
    const [inst] = await h.t.admin<{ id: string }[]>`
      insert into public.instances (org_id, name) values (${a.orgId}, 'pair-me-2') returning id`;
    const res = await api(h, "post", `${org()}/instances/${inst?.id}/pairing-code`, {
      token: owner,
      body: { phone: "(11) 99999-0001" },
    });
    // No worker runs in this test: past validation, the answer is the honest 503, not a 4xx about the number.
    expect(res.status).toBe(503);
    expect((res.body as Json).code).toBe("service_unavailable");
  });
});
