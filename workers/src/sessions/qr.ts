import QRCode from "qrcode";

/** The renderings the API and CLI offer for one QR string. */
export async function renderQr(qr: string): Promise<{ raw: string; dataUrl: string; ascii: string }> {
  const [dataUrl, ascii] = await Promise.all([
    QRCode.toDataURL(qr, { errorCorrectionLevel: "L", margin: 2, width: 320 }),
    QRCode.toString(qr, { type: "terminal", small: true, errorCorrectionLevel: "L" }),
  ]);
  return { raw: qr, dataUrl, ascii };
}
