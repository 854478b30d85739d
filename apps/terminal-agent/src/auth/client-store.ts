import { closeSync, existsSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from "node:fs";
import { RhcError } from "@rhc/errors";
import { z } from "zod";
import { scopeListSchema } from "./scopes.js";

const clientSchema = z
  .object({
    clientId: z.string(),
    name: z.string(),
    scopes: scopeListSchema,
    tokenHash: z.string().regex(/^[0-9a-f]{64}$/),
    createdAt: z.string(),
    expiresAt: z.string(),
  })
  .strict();
const fileSchema = z.object({ version: z.literal(1), clients: z.array(clientSchema) }).strict();

export type PairedClient = z.infer<typeof clientSchema>;

/**
 * Paired HIS clients, persisted as one small JSON file (mode 0600) written atomically (temp file,
 * fsync, rename), so a crash leaves either the old or the new list. Holds token hashes only.
 */
export class ClientStore {
  private readonly clients = new Map<string, PairedClient>();

  constructor(readonly path: string) {
    if (!existsSync(path)) return;
    let parsed: z.infer<typeof fileSchema>;
    try {
      parsed = fileSchema.parse(JSON.parse(readFileSync(path, "utf8")));
    } catch (error) {
      throw new RhcError("CONFIG_INVALID", {
        detail: `paired clients file ${path} is unreadable; move it aside and pair the HIS again`,
        cause: error,
      });
    }
    for (const c of parsed.clients) this.clients.set(c.clientId, c);
  }

  get(clientId: string): PairedClient | undefined {
    return this.clients.get(clientId);
  }

  list(): PairedClient[] {
    return [...this.clients.values()];
  }

  add(client: PairedClient): void {
    this.clients.set(client.clientId, client);
    this.save();
  }

  remove(clientId: string): boolean {
    const had = this.clients.delete(clientId);
    if (had) this.save();
    return had;
  }

  private save(): void {
    const tmp = `${this.path}.tmp`;
    const fd = openSync(tmp, "w", 0o600);
    try {
      writeSync(fd, `${JSON.stringify({ version: 1, clients: this.list() }, null, 2)}\n`);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, this.path);
  }
}
