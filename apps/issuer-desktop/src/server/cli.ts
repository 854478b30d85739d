// `pnpm --filter @rhc/issuer-desktop web [config.json]`: the desk in web mode for centres that
// prefer a browser. Prints the URL to open; Ctrl-C stops it (a running batch pauses cleanly).
import { readFileSync } from "node:fs";
import { PcscTransport } from "@rhc/card-protocol";
import { toRhcError } from "@rhc/errors";
import { z } from "zod";
import { createDeskAdapters } from "../adapters/desk-adapters.js";
import { parseConfig } from "../issuance/config.js";
import { startIssuerServer } from "./start-issuer-server.js";

const args = z.tuple([z.string().min(1)]).safeParse(process.argv.slice(2));
if (!args.success) {
  console.error("usage: issuer-web <config.json>");
  process.exit(2);
}
try {
  const config = parseConfig(JSON.parse(readFileSync(args.data[0], "utf8")));
  const transport = new PcscTransport();
  const server = await startIssuerServer(config, createDeskAdapters(config, transport));
  console.log(`issuer desk (web mode): ${server.url}`);
  const stop = () => {
    void server
      .close()
      .then(() => transport.close())
      .finally(() => process.exit(0));
  };
  process.on("SIGINT", stop);
  process.on("SIGTERM", stop);
} catch (error) {
  const e = toRhcError(error);
  console.error(`${e.code}: ${e.messages.zh} / ${e.message}`);
  process.exit(1);
}
