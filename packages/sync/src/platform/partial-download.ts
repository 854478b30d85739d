import { closeSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { z } from "zod";

const sidecarSchema = z.object({ etag: z.string().min(1).max(200) });

/**
 * The bytes of a download received so far, kept in a file so that a cut download (a clinic's link
 * drops, the agent restarts) resumes where it stopped (`Range` + `If-Range`) instead of starting over.
 * The file only ever grows by appending the body in order, so whatever reached the disk is a prefix of
 * the body named by the ETag in the sidecar (`<path>.json`). Nothing here is trusted: the assembled body
 * is parsed and its signature checked like any download, and `clear()` drops a bad one.
 */
export class PartialDownload {
  private fd: number | undefined;

  constructor(readonly path: string) {}

  /** What an earlier attempt kept: the body's ETag and how many bytes of it are on disk. */
  state(): { etag: string; length: number } | undefined {
    try {
      const sidecar = sidecarSchema.safeParse(JSON.parse(readFileSync(`${this.path}.json`, "utf8")));
      const length = statSync(this.path).size;
      return sidecar.success && length > 0 ? { etag: sidecar.data.etag, length } : undefined;
    } catch {
      return undefined; // nothing kept, or unreadable: start over
    }
  }

  /** Starts a new body (a 200 answer): drops what was kept and remembers the ETag it belongs to. */
  restart(etag: string | undefined): void {
    this.clear();
    this.fd = openSync(this.path, "w", 0o600);
    // Without an ETag the bytes cannot be matched to a later answer: keep them for this attempt only.
    if (etag) writeFileSync(`${this.path}.json`, JSON.stringify({ etag }), { mode: 0o600 });
  }

  /** Continues the kept body (a 206 answer starting at `state().length`). */
  resume(): void {
    this.close();
    this.fd = openSync(this.path, "a", 0o600);
  }

  append(chunk: Uint8Array): void {
    if (this.fd === undefined) throw new Error("PartialDownload: restart() or resume() first");
    for (let written = 0; written < chunk.byteLength; ) {
      written += writeSync(this.fd, chunk, written, chunk.byteLength - written);
    }
  }

  /** The whole body once the download has finished. */
  read(): Buffer {
    this.close();
    return readFileSync(this.path);
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }

  /** Forgets the kept bytes (after they were applied, or found bad). */
  clear(): void {
    this.close();
    rmSync(this.path, { force: true });
    rmSync(`${this.path}.json`, { force: true });
  }
}
