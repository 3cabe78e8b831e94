import { type NextRequest, NextResponse } from "next/server";
import { z } from "zod";
import { problemResponse, sessionAccess, withRefreshed } from "@/lib/server/bff";
import { serverEnv } from "@/lib/server/config";

const ZEnterCodeRequest = z.strictObject({
  /** The number the code was requested for, E.164 (as the API answered it). */
  phone: z.string().regex(/^\+[1-9][0-9]{6,14}$/),
  /** The pairing code, with or without its dash. */
  code: z.string().regex(/^[A-Za-z0-9]{4}-?[A-Za-z0-9]{4}$/),
});

/**
 * Simulator mode only: the virtual phone of `phone` enters the pairing code, as a person would in WhatsApp → Linked
 * devices → Link with phone number. The code itself is what proves the request (only whoever asked the API for it
 * knows it); a signed-in session is required all the same.
 */
export async function POST(req: NextRequest) {
  const control = serverEnv().DASHBOARD_WA_SIM_CONTROL_URL;
  if (!control) return problemResponse(404, "not_found", "the stack is not running with the simulator");
  const body = ZEnterCodeRequest.safeParse(await req.json().catch(() => null));
  if (!body.success) return problemResponse(400, "validation_failed", "phone (E.164) and code are required");
  const session = await sessionAccess(req);
  if (!session) return problemResponse(401, "unauthenticated", "your session has ended; sign in again");
  const digits = body.data.phone.slice(1);
  const entered = await fetch(`${control}/accounts/${digits}/pairing-code`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ code: body.data.code.replace("-", "").toUpperCase() }),
  }).catch(() => null);
  if (!entered) return problemResponse(503, "service_unavailable", "the WhatsApp simulator is not reachable");
  if (entered.status === 422) return problemResponse(422, "validation_failed", "the virtual phone refused that code");
  if (entered.status === 409)
    return problemResponse(409, "conflict", "no pairing is waiting for this number; ask for a new code");
  if (!entered.ok)
    return problemResponse(502, "service_unavailable", `the simulator refused the code (${entered.status})`);
  return withRefreshed(NextResponse.json({ phone: body.data.phone }), session, req);
}
