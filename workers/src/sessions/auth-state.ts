import type { Database } from "@mirage/db";
import {
  clearAuthState,
  type Fence,
  readAuthCreds,
  readAuthKeys,
  writeAuthCreds,
  writeAuthKeys,
} from "@mirage/db/wa-auth";
import { decrypt, encrypt, type KeyRing } from "@mirage/secrets";
import {
  type AuthenticationCreds,
  type AuthenticationState,
  BufferJSON,
  initAuthCreds,
  proto,
  type SignalDataSet,
  type SignalDataTypeMap,
} from "@whiskeysockets/baileys";

/** The host lost the instance (another worker holds a newer epoch): it must drop the socket, not retry. */
export class FencedError extends Error {
  constructor(instanceId: string) {
    super(`instance ${instanceId} is now hosted elsewhere (fenced)`);
    this.name = "FencedError";
  }
}

/** Stored credentials exist but cannot be read (wrong key, tampering, corrupt JSON). */
export class AuthStateUnreadableError extends Error {
  constructor(instanceId: string, cause: unknown) {
    super(`auth state of instance ${instanceId} cannot be decrypted or parsed`, { cause });
    this.name = "AuthStateUnreadableError";
  }
}

export type PostgresAuthState = {
  state: AuthenticationState;
  /** Persist the whole creds object (Baileys mutates it in place on `creds.update`). */
  saveCreds(): Promise<void>;
  /** Whether these creds already belong to a paired account. */
  isRegistered(): boolean;
  /**
   * Before the credentials are wiped (logout, ban of the creds, QR expiry): waits for writes already under way and
   * turns every later write into a no-op, so a late Baileys write cannot resurrect rows after the wipe.
   */
  revoke(): Promise<void>;
};

const serialize = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const deserialize = (text: string) => JSON.parse(text, BufferJSON.reviver) as unknown;

/**
 * Baileys auth state in Postgres, encrypted at rest (AES-256-GCM, AAD = instance + type + key id), every write
 * fenced by the host's epoch. Baileys wraps this store with its own transaction/caching layer, so `set` is called
 * with whole batches: one database transaction per call, idempotent because Baileys retries commits.
 */
export async function loadPostgresAuthState(deps: {
  db: Database;
  ring: KeyRing;
  fence: Fence;
}): Promise<PostgresAuthState> {
  const { db, ring, fence } = deps;
  const id = fence.instanceId;
  const credsAad = `${id}:creds`;

  let revoked = false;
  const inflight = new Set<Promise<unknown>>();
  const track = <T>(p: Promise<T>): Promise<T> => {
    inflight.add(p);
    return p.finally(() => inflight.delete(p));
  };

  let creds: AuthenticationCreds;
  const stored = await db.asService((tx) => readAuthCreds(tx, id));
  if (stored) {
    try {
      creds = deserialize(
        decrypt(ring, stored.keyId, stored.ciphertext, credsAad).toString("utf8"),
      ) as AuthenticationCreds;
    } catch (err) {
      throw new AuthStateUnreadableError(id, err);
    }
  } else {
    creds = initAuthCreds();
  }

  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) => {
        const rows = await db.asService((tx) => readAuthKeys(tx, id, type, ids));
        const out: { [key: string]: SignalDataTypeMap[T] } = {};
        for (const row of rows) {
          let value: unknown;
          try {
            value = deserialize(decrypt(ring, row.keyId, row.ciphertext, `${id}:${type}:${row.id}`).toString("utf8"));
          } catch (err) {
            throw new AuthStateUnreadableError(id, err);
          }
          if (type === "app-state-sync-key" && value) {
            value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
          }
          out[row.id] = value as SignalDataTypeMap[T];
        }
        return out;
      },
      set: async (data: SignalDataSet) => {
        const upserts: { type: string; id: string; keyId: string; ciphertext: Buffer }[] = [];
        const deletes: { type: string; id: string }[] = [];
        for (const [type, entries] of Object.entries(data)) {
          for (const [keyId, value] of Object.entries(entries ?? {})) {
            if (value === null || value === undefined) {
              deletes.push({ type, id: keyId });
            } else {
              const sealed = encrypt(ring, serialize(value), `${id}:${type}:${keyId}`);
              upserts.push({ type, id: keyId, keyId: sealed.keyId, ciphertext: sealed.ciphertext });
            }
          }
        }
        if (revoked || (upserts.length === 0 && deletes.length === 0)) return;
        const ok = await track(db.asService((tx) => writeAuthKeys(tx, fence, { upserts, deletes })));
        if (!ok) throw new FencedError(id);
      },
      clear: async () => {
        await db.asService((tx) => clearAuthState(tx, id));
      },
    },
  };

  return {
    state,
    async saveCreds() {
      if (revoked) return;
      const sealed = encrypt(ring, serialize(state.creds), credsAad);
      const ok = await track(
        db.asService((tx) => writeAuthCreds(tx, fence, { keyId: sealed.keyId, ciphertext: sealed.ciphertext })),
      );
      if (!ok) throw new FencedError(id);
    },
    async revoke() {
      revoked = true;
      await Promise.allSettled([...inflight]);
    },
    isRegistered() {
      return Boolean(state.creds.me?.id) && (state.creds.registered || state.creds.account !== undefined);
    },
  };
}
