import { join } from "node:path";

/** Files inside the agent's data directory. */
export function dataPaths(dataDir: string) {
  return {
    clients: join(dataDir, "clients.json"),
    /** SQLite: outbox, downlinks (hotlist, CRLs), settlements, identity cache, audit log. */
    store: join(dataDir, "sync.db"),
    adminSocket: join(dataDir, "admin.sock"),
  };
}
