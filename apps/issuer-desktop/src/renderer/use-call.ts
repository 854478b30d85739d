import { useCallback, useState } from "react";
import { IssuerApiError, type Problem } from "../shared/channels.js";

/** Runs an API call, keeping its busy flag and the problem it answered with. */
export function useCall() {
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<Problem | null>(null);
  const run = useCallback(async <T>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setProblem(null);
    try {
      return await fn();
    } catch (error) {
      if (error instanceof IssuerApiError) setProblem(error.problem);
      else
        setProblem({
          type: "urn:rhc:error:INTERNAL",
          title: "INTERNAL",
          status: 500,
          code: "INTERNAL",
          retriable: true,
          message: { zh: String(error), en: String(error) },
        });
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, problem, run, setProblem };
}

export function base64ToBlobUrl(base64: string, type: string): string {
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  return URL.createObjectURL(new Blob([bytes], { type }));
}

export async function fileToBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}
