import type { Database, Tx } from "@mirage/db";
import {
  clearAuthState,
  deletePersonKeys,
  type Fence,
  PERSON_KEY_TYPES,
  readAuthCreds,
  readAuthKeys,
  signalKeyUser,
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
import { createSignalKeyCache, type KeyWrite, type TakenWrites } from "./signal-key-cache.ts";
import type { StoredKey } from "./types.ts";

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
  /**
   * The Signal key writes not yet committed, for the caller's own transaction (the send module's `sending` commit,
   * which must precede the next message's write): `write` starts their statement in `tx` at once (answers whether
   * the host still holds the instance), `settle` reports the commit's outcome. Undefined when nothing is pending.
   */
  takeKeyWrites(): Promise<KeyWritesInTx | undefined>;
  /** As `takeKeyWrites`, without waiting: undefined while a commit of its own is under way. */
  takeKeyWritesIfIdle(): KeyWritesInTx | undefined;
  /** Reads keys of several types into memory in one transaction (see the key cache's `prefetch`). */
  prefetchKeys(wanted: { type: keyof SignalDataTypeMap; ids: string[] }[], tx?: Tx): Promise<void>;
  /**
   * Takes into memory keys another statement already read as stored (encrypted; `stored` null: none is stored, so
   * the key is known absent with no read). Keys already in memory are left as they are (they are newer).
   */
  absorbStoredKeys(keys: StoredKey[]): Promise<void>;
  /** Commits the key writes still pending (before the socket closes for good). */
  flush(): Promise<void>;
  /**
   * A person was erased: drops the Signal keys naming any of `users` (JID user parts) from memory, uncommitted
   * writes included, waits for the key commits under way (they may carry some), then deletes those rows of this
   * instance. Answers how many entries left memory and how many rows the store still had.
   */
  forgetPeople(users: string[]): Promise<{ inMemory: number; stored: number }>;
  /** Called when a key commit nobody waited for found the instance hosted elsewhere. */
  onFenced(listener: (err: FencedError) => void): void;
};

/** Pending Signal key writes carried by another transaction (see `takeKeyWrites`). */
export type KeyWritesInTx = {
  fence: Fence;
  write(tx: Tx): Promise<boolean>;
  /** How the carrying transaction ended: committed, refused because another worker holds the instance, or failed. */
  settle(outcome: "committed" | "fenced" | { failed: unknown }): void;
};

/**
 * The key types Baileys writes after the frame that needed them (a message's ratchet step): `set` does not wait for
 * them, they ride the next `sending` commit (see signal-key-cache.ts).
 */
const AFTER_WRITE_TYPES: ReadonlySet<string> = new Set(["session"]);

/**
 * How long a ratchet step waits for a transaction to carry it before its own commit, ms. When numbers take turns (a
 * campaign across a pool), the next `sending` commit is usually another number's, a few ms later: it carries the
 * step (`SessionsPort.takeOtherSignalKeyWrites`) instead of a commit of its own. The instance's own next message
 * still never leaves before the step is durable: its `sending` commit takes whatever is pending first.
 */
const AFTER_WRITE_MS = 25;

/**
 * What Baileys keeps of WhatsApp's answers — a number's LID, a person's device list, privacy tokens — and asks or
 * issues again when missing: written behind, with the next commit or within a second (see signal-key-cache.ts).
 */
const WRITE_BEHIND_TYPES: ReadonlySet<string> = new Set(["lid-mapping", "device-list", "tctoken"]);

const PERSON_TYPES: ReadonlySet<string> = new Set(PERSON_KEY_TYPES);

const serialize = (value: unknown) => JSON.stringify(value, BufferJSON.replacer);
const deserialize = (text: string) => JSON.parse(text, BufferJSON.reviver) as unknown;

/**
 * Baileys auth state in Postgres, encrypted at rest (AES-256-GCM, AAD = instance + type + key id), every write
 * fenced by the host's epoch. Signal keys are cached in memory and group-committed (`signal-key-cache.ts`): a read
 * after the first costs no round trip nor decryption, an unchanged key is not re-encrypted, and `set` resolves once
 * durable. Baileys wraps this store with its own transaction layer and retries a failed commit with the same batch.
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

  const seal = (writes: KeyWrite[]) => {
    const upserts: { type: string; id: string; keyId: string; ciphertext: Buffer }[] = [];
    const deletes: { type: string; id: string }[] = [];
    for (const w of writes) {
      if (w.text === null) deletes.push({ type: w.type, id: w.id });
      else {
        const sealed = encrypt(ring, w.text, `${id}:${w.type}:${w.id}`);
        upserts.push({ type: w.type, id: w.id, keyId: sealed.keyId, ciphertext: sealed.ciphertext });
      }
    }
    return { upserts, deletes };
  };
  const fencedListeners: ((err: FencedError) => void)[] = [];

  // Signal keys live in memory in front of Postgres, group-committed; see signal-key-cache.ts for the guarantee.
  const opened = (type: string, rows: Awaited<ReturnType<typeof readAuthKeys>>) => {
    const out = new Map<string, string>();
    for (const row of rows) {
      try {
        out.set(row.id, decrypt(ring, row.keyId, row.ciphertext, `${id}:${type}:${row.id}`).toString("utf8"));
      } catch (err) {
        throw new AuthStateUnreadableError(id, err);
      }
    }
    return out;
  };
  const parseKey = (type: string, text: string): unknown => {
    let value: unknown;
    try {
      value = deserialize(text);
    } catch (err) {
      throw new AuthStateUnreadableError(id, err);
    }
    if (type === "app-state-sync-key" && value) {
      value = proto.Message.AppStateSyncKeyData.fromObject(value as object);
    }
    return value;
  };
  /** Reads keys of several types in `tx`, every statement started at once (as a pipelined transaction needs). */
  const readIn =
    (tx: Tx) =>
    async (wanted: { type: string; ids: string[] }[]): Promise<Map<string, Map<string, string>>> => {
      const read = await Promise.all(wanted.map((w) => readAuthKeys(tx, id, w.type, w.ids)));
      return new Map(wanted.map((w, i) => [w.type, opened(w.type, read[i] ?? [])]));
    };
  const keyCache = createSignalKeyCache(
    {
      load: async (type, ids) => opened(type, await db.asService((tx) => readAuthKeys(tx, id, type, ids))),
      loadMany: (wanted) => db.asServicePipelined((tx) => readIn(tx)(wanted)),
      commit: async (writes) => {
        if (revoked) return;
        const change = seal(writes);
        const ok = await track(db.asServicePipelined((tx) => writeAuthKeys(tx, fence, change)));
        if (!ok) throw new FencedError(id);
      },
    },
    {
      afterWrite: AFTER_WRITE_TYPES,
      afterWriteMs: AFTER_WRITE_MS,
      writeBehind: WRITE_BEHIND_TYPES,
      onBackgroundError: (err) => {
        if (!(err instanceof FencedError)) return "retry";
        // Final: the host drops the instance once, however many commits find it out.
        for (const listener of fencedListeners.splice(0)) listener(err);
        return "stop";
      },
    },
  );

  const state: AuthenticationState = {
    creds,
    keys: {
      get: async <T extends keyof SignalDataTypeMap>(type: T, ids: string[]) =>
        (await keyCache.get(type, ids, (text) => parseKey(type, text))) as { [key: string]: SignalDataTypeMap[T] },
      set: async (data: SignalDataSet) => {
        if (revoked) return;
        const writes: { type: string; id: string; value: unknown }[] = [];
        for (const [type, entries] of Object.entries(data)) {
          for (const [keyId, value] of Object.entries(entries ?? {})) writes.push({ type, id: keyId, value });
        }
        await keyCache.set(writes, serialize);
      },
      clear: async () => {
        keyCache.clear();
        await db.asService((tx) => clearAuthState(tx, id));
      },
    },
  };

  /** Taken writes sealed for a caller's transaction (see `takeKeyWrites`). */
  const inTx = (taken: TakenWrites): KeyWritesInTx => {
    let change: ReturnType<typeof seal>;
    try {
      change = seal(taken.writes);
    } catch (err) {
      taken.settle({ ok: false, err });
      throw err;
    }
    return {
      fence,
      write: (tx) => writeAuthKeys(tx, fence, change),
      settle: (outcome) =>
        taken.settle(
          outcome === "committed"
            ? { ok: true }
            : { ok: false, err: outcome === "fenced" ? new FencedError(id) : outcome.failed },
        ),
    };
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
    async takeKeyWrites() {
      if (revoked) return undefined;
      const taken = await keyCache.take();
      return taken ? inTx(taken) : undefined;
    },
    takeKeyWritesIfIdle() {
      if (revoked) return undefined;
      const taken = keyCache.takeIfIdle();
      return taken ? inTx(taken) : undefined;
    },
    /**
     * Reads keys of several types into memory in one transaction (see `SignalKeyCache.prefetch`): its own, or `tx`
     * (the statements start at once, as a pipelined transaction needs).
     */
    prefetchKeys: (wanted: { type: keyof SignalDataTypeMap; ids: string[] }[], tx?: Tx) =>
      revoked ? Promise.resolve() : keyCache.prefetch(wanted, parseKey, tx ? readIn(tx) : undefined),
    absorbStoredKeys: (keys: StoredKey[]) => {
      if (revoked || keys.length === 0) return Promise.resolve();
      const types = [...new Set(keys.map((k) => k.type))];
      const wanted = types.map((type) => ({ type, ids: keys.filter((k) => k.type === type).map((k) => k.id) }));
      return keyCache.prefetch(wanted, parseKey, async (missing) => {
        const out = new Map<string, Map<string, string>>();
        for (const w of missing) {
          const rows = keys.flatMap((k) =>
            k.type === w.type && k.stored && w.ids.includes(k.id)
              ? [{ id: k.id, keyId: k.stored.keyId, ciphertext: Buffer.from(k.stored.ciphertext, "base64") }]
              : [],
          );
          out.set(w.type, opened(w.type, rows));
        }
        return out;
      });
    },
    flush: () => keyCache.flush(),
    async forgetPeople(users) {
      const wanted = new Set(users);
      const inMemory = keyCache.forget((type, keyId) => PERSON_TYPES.has(type) && wanted.has(signalKeyUser(keyId)));
      await keyCache.flush();
      await Promise.allSettled([...inflight]);
      // Not fenced: deleting an erased person's keys is right whoever hosts the instance now.
      const stored = await db.asService((tx) => deletePersonKeys(tx, { instanceId: id }, users));
      return { inMemory, stored };
    },
    onFenced(listener) {
      fencedListeners.push(listener);
    },
    async revoke() {
      revoked = true;
      await keyCache.close();
      keyCache.clear();
      await Promise.allSettled([...inflight]);
    },
    isRegistered() {
      return Boolean(state.creds.me?.id) && (state.creds.registered || state.creds.account !== undefined);
    },
  };
}
