/**
 * Pairs an instance from a terminal, through the public API (like any other client):
 *
 *   ./mirage pair <instance-name> [--org <slug|id>] [--code +5511999990000] [--url http://127.0.0.1:3001]
 *                                 [--sim-phone 5511999990000]
 *
 * --sim-phone: in the phone-free demo (./mirage start --simulator), that virtual phone of wa-sim scans the QR (or
 * types the pairing code) for you, through wa-sim's control API.
 *
 * Addresses and credentials as every terminal command (api-client.ts); an API key needs the `instances` scope.
 * Creates the instance when it does not exist, prints each QR code in the terminal (or the pairing code with
 * --code), and returns once WhatsApp reports it connected.
 */
import QRCode from "qrcode";
import { createApiClient, fail, type Json } from "./api-client.ts";
import { parseCommandLine } from "./cli-args.ts";

const USAGE =
  "usage: ./mirage pair <instance-name> [--org <slug|id>] [--code +5511999990000] [--url <api>] [--sim-phone <digits>]";
const { values, positionals } = parseCommandLine(
  {
    org: { type: "string" },
    code: { type: "string" },
    url: { type: "string" },
    raw: { type: "boolean", default: false },
    "sim-phone": { type: "string" },
    timeout: { type: "string", default: "300" },
  },
  USAGE,
);
const name = positionals[0];
if (!name) {
  console.error(USAGE);
  process.exit(2);
}
const client = createApiClient({ url: values.url });
const { call } = client;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// Before anything is created: a simulator that does not answer now would leave a half-done pairing behind.
if (values["sim-phone"]) await client.simulatorReachable();

await client.login();
const orgId = await client.resolveOrg(values.org);
const list = await call("GET", `/orgs/${orgId}/instances`);
if (list.status !== 200) fail("could not list instances", list);
let instance = (list.json.items as Json[]).find((i) => i.name === name);
if (!instance) {
  const created = await call("POST", `/orgs/${orgId}/instances`, {
    name,
    ...(values.code ? { phone: values.code } : {}),
  });
  if (created.status !== 201) fail("could not create the instance", created);
  instance = created.json;
  console.log(`created instance ${name} (${String(instance.id)})`);
}
const id = String(instance.id);
if (instance.status === "connected") {
  console.log(`${name} is already connected as ${String(instance.phone ?? instance.waJid)}`);
  process.exit(0);
}
if (["logged_out", "pairing_expired", "stopped", "failed"].includes(String(instance.status))) {
  await call("POST", `/orgs/${orgId}/instances/${id}/start`);
}

if (values.code) {
  const r = await call("POST", `/orgs/${orgId}/instances/${id}/pairing-code`, { phone: values.code });
  if (r.status !== 200) fail("could not get a pairing code", r);
  console.log(`On the phone: WhatsApp → Linked devices → Link a device → Link with phone number instead`);
  console.log(`PAIRING CODE ${String(r.json.code)}`);
  if (values["sim-phone"])
    await client.simulator("POST", `/accounts/${values["sim-phone"]}/pairing-code`, { code: r.json.code });
}

const deadline = Date.now() + Number(values.timeout) * 1000;
let shownAttempt = 0;
while (Date.now() < deadline) {
  const current = await call("GET", `/orgs/${orgId}/instances/${id}`);
  const status = String(current.json.status);
  if (status === "connected") {
    const { phone, linkedPhone, waJid } = current.json;
    console.log(`CONNECTED ${name} as ${String(phone ?? linkedPhone ?? waJid)}`);
    // The same WhatsApp account linked by another instance of the organization too (a second linked device): both
    // receive its messages, so every chat would show up twice.
    if (!phone && linkedPhone) {
      const all = await call("GET", `/orgs/${orgId}/instances`);
      const twin = ((all.json.items as Json[] | undefined) ?? []).find((i) => i.id !== id && i.phone === linkedPhone);
      if (twin) {
        console.log(
          `note: ${String(linkedPhone)} is also instance ${String(twin.name)}'s number: both are linked devices of one account and both receive its messages (unlink one: DELETE …/instances/{id})`,
        );
      }
    }
    process.exit(0);
  }
  if (["pairing_expired", "logged_out", "banned", "failed"].includes(status)) {
    console.error(`pairing ended: ${status} (${String(current.json.statusReason ?? "")})`);
    process.exit(1);
  }
  if (!values.code) {
    const qr = await call("GET", `/orgs/${orgId}/instances/${id}/qr`);
    if (qr.status === 200 && Number(qr.json.attempt) !== shownAttempt) {
      shownAttempt = Number(qr.json.attempt);
      const text = String(qr.json.qr);
      console.log(await QRCode.toString(text, { type: "terminal", small: true }));
      console.log(
        `Scan with WhatsApp → Linked devices (code ${shownAttempt}, valid until ${String(qr.json.expiresAt)})`,
      );
      if (values.raw) console.log(`QR ${text}`);
      if (values["sim-phone"]) {
        await client.simulator("POST", `/accounts/${values["sim-phone"]}/scan`, { qr: text });
        console.log(`virtual phone +${values["sim-phone"]} scanned it`);
      }
    }
  }
  await sleep(700);
}
console.error("timed out waiting for the phone");
process.exit(1);
