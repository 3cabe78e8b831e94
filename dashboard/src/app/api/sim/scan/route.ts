import { randomInt } from "node:crypto";
import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { problemResponse, sessionAccess, withRefreshed } from "@/lib/server/bff";
import { serverEnv } from "@/lib/server/config";

const ZScanRequest = z.strictObject({ orgId: z.uuid(), instanceId: z.uuid() });

/**
 * Simulator mode only: reads the instance's current QR through the API (so the caller's role is checked there) and
 * has a fresh virtual phone in wa-sim scan it, as a person would with WhatsApp → Linked devices.
 */
export async function POST(req: NextRequest) {
  const control = serverEnv().DASHBOARD_WA_SIM_CONTROL_URL;
  if (!control) return problemResponse(404, "not_found", "the stack is not running with the simulator");
  const body = ZScanRequest.safeParse(await req.json().catch(() => null));
  if (!body.success) return problemResponse(400, "validation_failed", "orgId and instanceId are required");
  const session = await sessionAccess(req);
  if (!session) return problemResponse(401, "unauthenticated", "your session has ended; sign in again");
  const { orgId, instanceId } = body.data;
  const qrRes = await fetch(`${serverEnv().MIRAGE_API_URL}/api/v1/orgs/${orgId}/instances/${instanceId}/qr`, {
    headers: { authorization: `Bearer ${session.accessToken}` },
    cache: "no-store",
  }).catch(() => null);
  if (!qrRes) return problemResponse(503, "service_unavailable", "the Mirage API is not reachable right now");
  if (!qrRes.ok) {
    return new NextResponse(qrRes.body, {
      status: qrRes.status,
      headers: { "content-type": "application/problem+json" },
    });
  }
  const { qr } = (await qrRes.json()) as { qr: string };
  // A Brazilian mobile number in the simulator's own space: 55 11 9 + 8 digits.
  const phone = `55119${String(randomInt(0, 100_000_000)).padStart(8, "0")}`;
  const scan = await fetch(`${control}/accounts/${phone}/scan`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ qr }),
  }).catch(() => null);
  if (!scan) return problemResponse(503, "service_unavailable", "the WhatsApp simulator is not reachable");
  if (scan.status === 410)
    return problemResponse(409, "conflict", "that QR code just expired; try again with the new one");
  if (!scan.ok) return problemResponse(502, "service_unavailable", `the simulator refused the scan (${scan.status})`);
  return withRefreshed(NextResponse.json({ phone: `+${phone}` }), session, req);
}
