import { TestDesk } from "@rhc/card-sim/testing";
import type { AgentConfigInput } from "../../src/index.js";
import { startTestAgent, type TestAgent } from "./agent.js";
import { trustConfig } from "./cards.js";
import { startTestPlatform, type TestPlatform } from "./platform.js";

export interface DeskHarness {
  desk: TestDesk;
  /** The platform sandbox, when asked for. */
  platform: TestPlatform | undefined;
  t: TestAgent;
  close(): Promise<void>;
}

/**
 * The usual integration set-up: a leased lane of the shared pcscd, the platform sandbox (optional),
 * and an agent configured with the test region's trust, the SAM PIN and that platform.
 */
export async function openDesk(
  options: {
    platform?: boolean;
    patch?: (c: AgentConfigInput) => AgentConfigInput;
    /** Prepare what the platform serves before the desk's first list download. */
    beforeFirstSync?: (platform: TestPlatform) => void;
  } = {},
): Promise<DeskHarness> {
  const desk = await TestDesk.open();
  const platform = options.platform ? await startTestPlatform() : undefined;
  if (platform) options.beforeFirstSync?.(platform);
  const patch = options.patch ?? ((c: AgentConfigInput) => c);
  const t = await startTestAgent(desk, (c) =>
    patch({ ...c, ...trustConfig(), ...(platform ? { platform: platform.config } : {}) }),
  );
  // A desk syncs its lists before its first read (the hotlist policy refuses a never-loaded list).
  if (platform) await t.agent.admin.refreshLists();
  return {
    desk,
    platform,
    t,
    async close() {
      await t.close();
      await platform?.close();
      await desk.close();
    },
  };
}
