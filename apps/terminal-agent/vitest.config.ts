import { project } from "../../vitest.shared.js";

// Hooks lease a reader lane of the shared test pcscd; with several checkouts testing on one machine a
// lane can take a while to free up, hence the longer hook timeout.
export default project("terminal-agent", { pcsc: true, test: { hookTimeout: 180_000 } });
