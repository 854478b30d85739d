import { project } from "../../vitest.shared.js";

export default project("issuer-desktop", { pcsc: true });
