// What keeping wa-sim's state on disk costs: one snapshot + atomic write (temp file, fsync, rename) and one
// restore, for simulators with N accounts, each with one linked device holding `--pre-keys` uploaded pre-keys (what
// Baileys uploads at registration) and `--chats` contacts configured. Medians of `--rounds` runs per size.
// Usage: npx tsx bench/wa-sim/state-file.ts [--sizes 10,100,1000] [--pre-keys 812] [--rounds 5]
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { createLogger } from "@mirage/logger";
import { ContactDirectory } from "../../packages/wa-sim/src/contacts/directory.ts";
import { AccountRegistry } from "../../packages/wa-sim/src/core/accounts.ts";
import { restoreSnapshot, takeSnapshot } from "../../packages/wa-sim/src/core/persistence.ts";
import { StateFile, stateFilePath } from "../../packages/wa-sim/src/core/state-file.ts";
import { intArg, onCleanup } from "../lib.ts";

const { values } = parseArgs({
  options: {
    sizes: { type: "string", default: "10,100,1000" },
    "pre-keys": { type: "string", default: "812" },
    chats: { type: "string", default: "5" },
    rounds: { type: "string", default: "5" },
  },
});
const sizes = values.sizes.split(",").map(Number);
const PRE_KEYS = intArg("pre-keys", values["pre-keys"], 812);
const CHATS = intArg("chats", values.chats, 5);
const ROUNDS = intArg("rounds", values.rounds, 5);
const logger = createLogger({ service: "bench", level: "silent" });
const seed = "bench-state";
const dir = mkdtempSync(path.join(tmpdir(), "wa-sim-state-bench-"));
const removeDir = () => rmSync(dir, { recursive: true, force: true });
process.on("exit", removeDir);
onCleanup(removeDir); // Ctrl-C: bench/lib.ts runs the cleanups, then exits

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;

function populate(n: number): { accounts: AccountRegistry; contacts: ContactDirectory } {
  const accounts = new AccountRegistry(seed);
  const contacts = new ContactDirectory(seed, "on-whatsapp");
  for (let i = 0; i < n; i++) {
    const account = accounts.ensure(`55119${String(i).padStart(8, "0")}`);
    account.companions.set(1, {
      deviceId: 1,
      noiseKey: randomBytes(32).toString("base64"),
      keys: {
        registrationId: i,
        identityKey: randomBytes(33),
        signedPreKey: { keyId: 1, publicKey: randomBytes(33), signature: randomBytes(64) },
      },
      preKeys: new Map(Array.from({ length: PRE_KEYS }, (_, k) => [k + 1, randomBytes(33)] as const)),
      pairedAt: new Date(),
      removed: false,
      connection: undefined,
    });
    account.nextDeviceId = 2;
    for (let c = 0; c < CHATS; c++) {
      const contact = `55218${String(i * CHATS + c).padStart(8, "0")}`;
      account.chatsStarted.add(contact);
      contacts.configure(contact, { name: `Contact ${c}` });
    }
  }
  return { accounts, contacts };
}

console.log(`wa-sim state file: ${PRE_KEYS} pre-keys per device, ${CHATS} contacts per account, median of ${ROUNDS}`);
console.log("accounts | file size | snapshot + atomic write | restore (parse + validate + rebuild)");
for (const n of sizes) {
  const { accounts, contacts } = populate(n);
  const file = stateFilePath(dir, `${seed}-${n}`);
  const writes: number[] = [];
  const restores: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const state = new StateFile({ file, snapshot: () => takeSnapshot(seed, accounts, contacts), logger });
    state.changed();
    const t0 = performance.now();
    await state.flush();
    writes.push(performance.now() - t0);
    await state.close();

    const reader = new StateFile({ file, snapshot: () => ({}), logger });
    const t1 = performance.now();
    restoreSnapshot(reader.read(), seed, new AccountRegistry(seed), new ContactDirectory(seed, "on-whatsapp"));
    restores.push(performance.now() - t1);
    await reader.close();
  }
  const mb = statSync(file).size / 1024 / 1024;
  console.log(
    `${String(n).padStart(8)} | ${mb.toFixed(2).padStart(6)} MB | ${median(writes).toFixed(1).padStart(8)} ms | ${median(restores).toFixed(1).padStart(8)} ms`,
  );
}
