import type { TImportMapping } from "@mirage/contracts/imports";
import type { Database } from "@mirage/db";
import { finishUpload, writeImportChunk } from "@mirage/db/imports";
import type { Request } from "express";
import { AppError } from "../http/app-error.ts";
import { guessMapping, resolveMapping } from "./mapping.ts";
import { type Delimiter, type Encoding, refusalError, SNIFF_BYTES, sniffCsv } from "./sniff.ts";

/**
 * Receiving a contact file. The bytes go to Postgres (contact_import_chunks) as they arrive, 1 MiB at a time, so
 * neither this process nor the job ever holds the file, and the job can run in any replica: Postgres is the one
 * store every Mirage process already shares (a local disk is not, and Redis would hold 200 MB in memory).
 * The first 64 KiB are inspected before anything is stored: a binary file, a workbook, an empty file or one
 * without a phone column is answered 4xx with nothing created.
 */

export const CHUNK_BYTES = 1024 * 1024;

/** Reads the request body until `bytes` are buffered or it ends. */
export async function readHead(
  req: Request,
  bytes: number,
): Promise<{ head: Buffer; rest: AsyncIterator<Buffer>; ended: boolean }> {
  const it = (req as AsyncIterable<Buffer>)[Symbol.asyncIterator]();
  const parts: Buffer[] = [];
  let size = 0;
  while (size < bytes) {
    const next = await it.next();
    if (next.done) return { head: Buffer.concat(parts), rest: it, ended: true };
    parts.push(next.value);
    size += next.value.length;
  }
  return { head: Buffer.concat(parts), rest: it, ended: false };
}

export type Inspected = { encoding: Encoding; delimiter: Delimiter; mapping: TImportMapping; header: string[] };

/** Decides on the head of the upload; throws a 4xx AppError with the reason. */
export function inspectHead(
  head: Buffer,
  complete: boolean,
  query: { mapping?: TImportMapping; encoding?: Encoding; delimiter?: Delimiter },
): Inspected {
  const s = sniffCsv(complete ? head : head.subarray(0, SNIFF_BYTES), complete, query);
  if (!s.ok) throw refusalError(s);
  const header = (s.records[0] ?? []).map((h) => h.trim());
  const mapping = query.mapping ?? guessMapping(header);
  const resolved = resolveMapping(header, mapping);
  if ("reason" in resolved) throw new AppError("bad_request", resolved.reason, { reasonCode: resolved.code });
  return { encoding: s.encoding, delimiter: s.delimiter, mapping, header };
}

/**
 * Stores the whole body as chunks of the import (the head first), refusing past `maxBytes`.
 * @returns the total size in bytes.
 * @throws AppError payload_too_large (the caller deletes the import record).
 */
export async function storeUpload(
  db: Database,
  input: {
    importId: string;
    orgId: string;
    head: Buffer;
    rest: AsyncIterator<Buffer>;
    ended: boolean;
    maxBytes: number;
  },
): Promise<number> {
  // Pieces are collected and joined once per stored chunk (joining on every 64 KiB piece would copy each MiB 16 times).
  let parts: Buffer[] = [input.head];
  let partsBytes = input.head.length;
  let seq = 0;
  let total = input.head.length;
  const write = async (data: Buffer) => {
    const n = seq++;
    await db.asService((tx) => writeImportChunk(tx, { importId: input.importId, orgId: input.orgId, seq: n, data }));
  };
  const drain = async (final: boolean) => {
    if (partsBytes < CHUNK_BYTES && !final) return;
    let joined = Buffer.concat(parts, partsBytes);
    while (joined.length >= CHUNK_BYTES) {
      await write(joined.subarray(0, CHUNK_BYTES));
      joined = joined.subarray(CHUNK_BYTES);
    }
    parts = joined.length > 0 ? [joined] : [];
    partsBytes = joined.length;
  };
  let ended = input.ended;
  while (!ended) {
    await drain(false);
    const next = await input.rest.next();
    if (next.done) {
      ended = true;
      break;
    }
    total += next.value.length;
    if (total > input.maxBytes) {
      throw new AppError("payload_too_large", `the file is larger than ${input.maxBytes} bytes`);
    }
    parts.push(next.value);
    partsBytes += next.value.length;
  }
  await drain(true);
  const pending = Buffer.concat(parts, partsBytes);
  if (pending.length > 0) await write(pending);
  return total;
}

export async function markUploaded(
  db: Database,
  importId: string,
  input: { sizeBytes: number; inspected: Inspected },
): Promise<void> {
  await db.asService((tx) =>
    finishUpload(tx, importId, {
      sizeBytes: input.sizeBytes,
      encoding: input.inspected.encoding,
      delimiter: input.inspected.delimiter,
      mapping: input.inspected.mapping,
      status: "queued",
    }),
  );
}
