/**
 * WhatsApp Web framing: the client's first bytes are a 4-byte intro ('W','A',6,DICT_VERSION), optionally preceded by
 * an 'ED' routing header; after that every frame in both directions is a 24-bit big-endian length and a payload.
 */
export class FrameReader {
  private buffer: Buffer = Buffer.alloc(0);
  private intro: Buffer | undefined;

  /** The 4-byte WA header once it arrived: it is the Noise prologue. */
  get header(): Buffer | undefined {
    return this.intro;
  }

  push(data: Buffer): Buffer[] {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, data]) : data;
    if (!this.intro) {
      if (!this.readIntro()) return [];
    }
    const frames: Buffer[] = [];
    while (this.buffer.length >= 3) {
      const length = this.buffer.readUIntBE(0, 3);
      if (this.buffer.length < length + 3) break;
      frames.push(this.buffer.subarray(3, 3 + length));
      this.buffer = this.buffer.subarray(3 + length);
    }
    return frames;
  }

  private readIntro(): boolean {
    let offset = 0;
    // 'ED', 0, 1, len24, routingInfo — sent when the client stored routing info from an earlier session.
    if (this.buffer[0] === 0x45 && this.buffer[1] === 0x44) {
      if (this.buffer.length < 7) return false;
      offset = 7 + this.buffer.readUIntBE(4, 3);
    }
    if (this.buffer.length < offset + 4) return false;
    const intro = this.buffer.subarray(offset, offset + 4);
    if (intro[0] !== 0x57 || intro[1] !== 0x41) throw new Error("not a WhatsApp Web stream (bad intro)");
    this.intro = Buffer.from(intro);
    this.buffer = this.buffer.subarray(offset + 4);
    return true;
  }
}

export function encodeFrame(payload: Uint8Array): Buffer {
  const out = Buffer.alloc(3 + payload.length);
  out.writeUIntBE(payload.length, 0, 3);
  out.set(payload, 3);
  return out;
}
