import { FHIR_ETHNICITY_EXTENSION, OID } from "@rhc/sync";
import { describe, expect, it } from "vitest";
import { residentFromPatient } from "./platform-identity.js";

describe("residentFromPatient", () => {
  it("maps the platform's PDQm Patient onto the card's holder fields, ethnicity included", () => {
    const resident = residentFromPatient(
      {
        resourceType: "Patient",
        id: "E1",
        identifier: [{ system: OID.idNo, value: "11010519491231002X" }],
        name: [{ text: "沈志强" }],
        gender: "male",
        birthDate: "1949-12-31",
        telecom: [{ system: "phone", value: "13800138000" }],
        address: [{ text: "河南省郑州市金水区" }],
        extension: [{ url: FHIR_ETHNICITY_EXTENSION, valueString: "01" }],
      },
      "11010519491231002X",
    );
    expect(resident).toEqual({
      citizenId: "11010519491231002X",
      name: "沈志强",
      sex: "1",
      birthDate: "19491231",
      phone1: "13800138000",
      address1: "河南省郑州市金水区",
      ethnicity: "01",
    });
  });
});
