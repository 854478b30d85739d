import { project } from "../../vitest.shared.js";

export default project("card-protocol", { pcsc: true });
