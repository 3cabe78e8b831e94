"use client";

import { useEffect, useState } from "react";

/** Renders a QR string as an image in the browser (the qrcode library is loaded only when a QR is shown). */
export function QrImage({
  value,
  fallbackDataUrl,
  alt,
}: {
  value: string | null;
  fallbackDataUrl?: string;
  alt: string;
}) {
  const [src, setSrc] = useState<string | undefined>(fallbackDataUrl);
  useEffect(() => {
    if (!value) {
      setSrc(fallbackDataUrl);
      return;
    }
    let cancelled = false;
    void import("qrcode").then((qrcode) =>
      qrcode.toDataURL(value, { margin: 1, width: 264, errorCorrectionLevel: "L" }).then((url) => {
        if (!cancelled) setSrc(url);
      }),
    );
    return () => {
      cancelled = true;
    };
  }, [value, fallbackDataUrl]);
  if (!src) return <div className="size-64 animate-pulse rounded-lg bg-muted" />;
  // biome-ignore lint/performance/noImgElement: a data: URL generated in the browser; next/image adds nothing here.
  return <img src={src} alt={alt} width={264} height={264} className="rounded-lg bg-white p-2" data-qr={value ?? ""} />;
}
