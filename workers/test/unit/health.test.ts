import { describe, expect, it } from "vitest";
import { type HealthMetrics, HealthTracker, scoreHealth } from "../../src/sessions/health.ts";

describe("scoreHealth", () => {
  const healthy: HealthMetrics = {
    connected: true,
    lastInboundAt: null,
    lastOutboundAt: null,
    ackLatencyMs: 300,
    unackedOverdue: 0,
    undeliveredRecipients: 0,
    lastDeliveredAt: null,
    disconnectsLastHour: 0,
    decryptErrorsLastHour: 0,
    restrictedUntil: null,
    newChatCapHitsLastHour: 0,
    ackErrorsLastHour: 0,
  };
  it("100 when nothing is wrong", () => {
    expect(scoreHealth(healthy, 0)).toEqual({ score: 100, reasons: [] });
  });
  it("each signal costs points and names its reason", () => {
    const r = scoreHealth(
      { ...healthy, unackedOverdue: 2, restrictedUntil: 10_000, disconnectsLastHour: 3, ackLatencyMs: 6_000 },
      5_000,
    );
    expect(r.reasons).toEqual(["no_server_acks", "reach_out_timelock", "slow_acks", "unstable_connection"]);
    expect(r.score).toBe(0);
    expect(scoreHealth({ ...healthy, undeliveredRecipients: 3 }, 0)).toEqual({
      score: 50,
      reasons: ["no_delivery_receipts"],
    });
    expect(scoreHealth({ ...healthy, decryptErrorsLastHour: 1 }, 0)).toEqual({
      score: 95,
      reasons: ["decrypt_errors"],
    });
    expect(scoreHealth({ ...healthy, restrictedUntil: 1 }, 5).reasons).toEqual([]);
  });
});

describe("HealthTracker", () => {
  const opts = { ackTimeoutMs: 1_000, deliveryTimeoutMs: 10_000, undeliveredRecipientsThreshold: 3, windowMs: 60_000 };

  it("counts acked sends that no phone confirmed, per recipient, once several recipients are silent", () => {
    const t = new HealthTracker(opts);
    for (const [i, to] of ["a", "b", "b"].entries()) {
      t.messageSent(`m${i}`, `${to}@s.whatsapp.net`, 0);
      t.serverAck(`m${i}`, 100);
    }
    expect(t.metrics(20_000).undeliveredRecipients).toBe(0); // two recipients: a phone may just be off
    t.messageSent("m3", "c@s.whatsapp.net", 0);
    t.serverAck("m3", 100);
    expect(t.metrics(5_000).undeliveredRecipients).toBe(0); // not overdue yet
    expect(t.metrics(20_000).undeliveredRecipients).toBe(3);
    expect(t.metrics(20_000).unackedOverdue).toBe(0); // the server did ack: only receipts are missing
  });

  it("recovers when a delivery receipt arrives for anything sent later", () => {
    const t = new HealthTracker(opts);
    for (const to of ["a", "b", "c"]) {
      t.messageSent(to, `${to}@s.whatsapp.net`, 0);
      t.serverAck(to, 10);
    }
    expect(t.metrics(20_000).undeliveredRecipients).toBe(3);
    t.messageSent("later", "d@s.whatsapp.net", 21_000);
    t.delivered("later", 21_500);
    expect(t.metrics(22_000).undeliveredRecipients).toBe(0);
  });

  it("forgets unacked sends once they leave the window, and when the server acks a later send", () => {
    const t = new HealthTracker(opts);
    t.messageSent("lost", "a@s.whatsapp.net", 0);
    expect(t.metrics(2_000).unackedOverdue).toBe(1);
    expect(t.metrics(61_000).unackedOverdue).toBe(0); // out of the window
    t.messageSent("lost2", "a@s.whatsapp.net", 70_000);
    expect(t.metrics(72_000).unackedOverdue).toBe(1);
    t.messageSent("ok", "a@s.whatsapp.net", 73_000);
    t.serverAck("ok", 73_100);
    expect(t.metrics(74_000).unackedOverdue).toBe(0);
  });

  it("keeps ack latencies only within the window", () => {
    const t = new HealthTracker(opts);
    t.messageSent("slow", "a@s.whatsapp.net", 0);
    t.serverAck("slow", 6_000);
    expect(t.metrics(7_000).ackLatencyMs).toBe(6_000);
    expect(t.metrics(70_000).ackLatencyMs).toBeNull();
  });

  it("a message that could not be decrypted counts until its resend decrypts, and for an hour at most", () => {
    const t = new HealthTracker(opts);
    t.decryptError("x1", 0);
    t.decryptError("x2", 1_000);
    t.decryptError("x2", 2_000); // the same message failing again is one problem
    expect(t.metrics(3_000).decryptErrorsLastHour).toBe(2);
    t.decrypted("x1"); // the sender's phone sent it again, on a new session
    t.decrypted("other");
    expect(t.metrics(3_000).decryptErrorsLastHour).toBe(1);
    expect(t.metrics(2_000 + 3_600_001).decryptErrorsLastHour).toBe(0);
  });
});
