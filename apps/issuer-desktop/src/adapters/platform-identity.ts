import { isRhcError, RhcError } from "@rhc/errors";
import {
  createIdentityService,
  createPlatformClient,
  FHIR_ETHNICITY_EXTENSION,
  type FhirPatient,
  OID,
  type SyncStore,
} from "@rhc/sync";
import type { IssuerConfig } from "../issuance/config.js";
import type { IdentityLookup } from "../issuance/ports.js";
import type { Resident } from "../shared/resident.js";

/** A platform Patient (PDQm answer) as the desk's form data. */
export function residentFromPatient(patient: FhirPatient, citizenId: string): Resident {
  const resident: Resident = {
    citizenId: patient.identifier.find((i) => i.system === OID.idNo)?.value ?? citizenId,
  };
  const name = patient.name[0];
  const text = name?.text ?? `${name?.family ?? ""}${name?.given?.join("") ?? ""}`;
  if (text) resident.name = text;
  if (patient.gender === "male") resident.sex = "1";
  if (patient.gender === "female") resident.sex = "2";
  if (patient.birthDate) resident.birthDate = patient.birthDate.replaceAll("-", "");
  const phone = patient.telecom?.find((t) => t.system === "phone")?.value;
  if (phone) resident.phone1 = phone;
  const address = patient.address?.[0]?.text;
  if (address) resident.address1 = address;
  const ethnicity = patient.extension?.find((e) => e.url === FHIR_ETHNICITY_EXTENSION)?.valueString;
  if (ethnicity) resident.ethnicity = ethnicity;
  return resident;
}

/** Identity lookups on the platform (PDQm by ID number), falling back to the store's cache offline. */
export function platformIdentity(config: IssuerConfig, store: SyncStore): IdentityLookup {
  const platform = config.platform;
  if (!platform) {
    return {
      async byCitizenId() {
        throw new RhcError("CONFIG_INVALID", { detail: "no platform configured for identity lookups" });
      },
    };
  }
  const client = createPlatformClient({
    baseUrl: platform.baseUrl,
    token: platform.token,
    terminalId: config.terminalId,
  });
  const service = createIdentityService({ cache: store.identity, client });
  return {
    async byCitizenId(citizenId) {
      try {
        const answer = await service.lookup({ idNo: citizenId });
        return { resident: residentFromPatient(answer.patient, citizenId), source: answer.source };
      } catch (error) {
        if (isRhcError(error, "IDENTITY_NOT_FOUND")) return { resident: null, source: "platform" };
        throw error;
      }
    },
  };
}
