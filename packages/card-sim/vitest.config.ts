import { project } from "../../vitest.shared.js";

export default project("card-sim", { pcsc: true });
