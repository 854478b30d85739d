import { project } from "../../vitest.shared.js";

export default project("terminal-agent", { pcsc: true });
