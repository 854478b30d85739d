import { join } from "node:path";

/** Files inside the agent's data directory. */
export function dataPaths(dataDir: string) {
  return {
    clients: join(dataDir, "clients.json"),
    audit: join(dataDir, "audit.jsonl"),
    adminSocket: join(dataDir, "admin.sock"),
  };
}
