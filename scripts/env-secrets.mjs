// The secrets of a local installation, before anything starts (plain Node: runs before dependencies are installed).
//
//   node scripts/env-secrets.mjs [dir]
//
// No .env in `dir` (default: the current directory): one is written from .env.example with fresh secrets (never
// shared between installations) — unless the environment already carries them (containers, CI, a test harness):
// nothing is written into the checkout then. A .env whose MIRAGE_ENCRYPTION_KEYS or JWT_SECRET is empty (copied
// from the example by hand) gets that one generated in place: nothing can be encrypted under a key never set, and
// every process would refuse to start without it. A secret that is set, in the file or the environment, is never
// touched. Prints one line for what it did.
import crypto from "node:crypto";
import fs from "node:fs";
import path from "node:path";

const dir = process.argv[2] ?? ".";
const envFile = path.join(dir, ".env");
const generators = {
  MIRAGE_ENCRYPTION_KEYS: () => `k1:${crypto.randomBytes(32).toString("base64")}`,
  JWT_SECRET: () => crypto.randomBytes(48).toString("base64url"),
};
const missingInEnv = Object.keys(generators).filter((k) => !process.env[k]);

if (!fs.existsSync(envFile)) {
  if (missingInEnv.length === 0) process.exit(0);
  let text = fs.readFileSync(path.join(dir, ".env.example"), "utf8");
  for (const [key, make] of Object.entries(generators)) {
    const line = new RegExp(`^${key}=.*$`, "m");
    // JWT_SECRET only where the example has it (a deployment may use another auth provider's keys instead).
    if (line.test(text)) text = text.replace(line, `${key}=${make()}`);
    else if (key === "MIRAGE_ENCRYPTION_KEYS") text += `\n${key}=${make()}\n`;
  }
  fs.writeFileSync(envFile, text, { mode: 0o600 });
  console.log("==> creating .env with generated secrets");
  process.exit(0);
}

let text = fs.readFileSync(envFile, "utf8");
const filled = [];
for (const key of missingInEnv) {
  const empty = new RegExp(`^${key}=[ \\t]*$`, "m");
  if (empty.test(text)) {
    text = text.replace(empty, `${key}=${generators[key]()}`);
    filled.push(key);
  }
}
if (filled.length > 0) {
  fs.writeFileSync(envFile, text, { mode: 0o600 });
  console.log(`==> .env: generated ${filled.join(" and ")} (they were empty)`);
}
