import { FHIR_ETHNICITY_EXTENSION, type FhirPatient, OID } from "@rhc/sync";
import type { Db } from "./db.js";
import type { Resident } from "./residents.js";

export interface PatientRow {
  empi_id: string;
  id_no: string | null;
  name: string;
  gender: string;
  birth_date: string;
  ethnicity: string | null;
  address: string | null;
  phone: string | null;
  active: number;
}

/** The sandbox EMPI: patients keyed by master id, identifiers (system, value) → master id. */
export class Empi {
  constructor(
    private readonly db: Db,
    private readonly now: () => string,
  ) {}

  seed(residents: readonly Resident[]): void {
    this.db.transaction(() => {
      for (const r of residents) {
        this.db
          .prepare(
            `INSERT OR IGNORE INTO patients (empi_id, id_no, name, gender, birth_date, ethnicity, address, phone, source, updated_at)
             VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'seed', ?)`,
          )
          .run(r.empiId, r.idNo, r.name, r.gender, r.birthDate, r.ethnicity, r.address, r.phone, this.now());
        this.link(OID.idNo, r.idNo, r.empiId);
        if (r.cardNo) this.link(OID.cardNo, r.cardNo, r.empiId);
      }
    })();
  }

  private link(system: string, value: string, empiId: string): void {
    this.db
      .prepare("INSERT OR REPLACE INTO patient_identifiers (system, value, empi_id) VALUES (?, ?, ?)")
      .run(system, value, empiId);
  }

  resolve(system: string, value: string): string | undefined {
    return this.db
      .prepare<[string, string], { empi_id: string }>(
        "SELECT empi_id FROM patient_identifiers WHERE system = ? AND value = ?",
      )
      .get(system, value)?.empi_id;
  }

  patient(empiId: string): FhirPatient | undefined {
    const row = this.db.prepare<[string], PatientRow>("SELECT * FROM patients WHERE empi_id = ?").get(empiId);
    return row ? this.toFhir(row) : undefined;
  }

  identifiers(empiId: string): Array<{ system: string; value: string }> {
    return this.db
      .prepare<[string], { system: string; value: string }>(
        "SELECT system, value FROM patient_identifiers WHERE empi_id = ? ORDER BY system, value",
      )
      .all(empiId);
  }

  toFhir(row: PatientRow): FhirPatient {
    return {
      resourceType: "Patient",
      id: row.empi_id,
      active: row.active === 1,
      identifier: [{ system: OID.empi, value: row.empi_id }, ...this.identifiers(row.empi_id)],
      name: [{ text: row.name, family: row.name.slice(0, 1), given: [row.name.slice(1)] }],
      gender: row.gender as FhirPatient["gender"],
      birthDate: row.birth_date,
      ...(row.phone ? { telecom: [{ system: "phone", value: row.phone }] } : {}),
      ...(row.address ? { address: [{ text: row.address }] } : {}),
      ...(row.ethnicity ? { extension: [{ url: FHIR_ETHNICITY_EXTENSION, valueString: row.ethnicity }] } : {}),
    };
  }

  search(q: {
    identifiers: Array<{ system: string; value: string }>;
    family?: string;
    birthDate?: string;
    gender?: string;
    id?: string;
  }): FhirPatient[] {
    let ids: string[] | undefined;
    for (const i of q.identifiers) {
      const e = this.resolve(i.system, i.value);
      ids = e && (!ids || ids.includes(e)) ? [e] : [];
    }
    if (q.id) ids = ids ? ids.filter((x) => x === q.id) : [q.id];
    const rows = (
      ids
        ? ids
            .map((id) => this.db.prepare<[string], PatientRow>("SELECT * FROM patients WHERE empi_id = ?").get(id))
            .filter((r): r is PatientRow => r !== undefined)
        : this.db.prepare<[], PatientRow>("SELECT * FROM patients ORDER BY empi_id").all()
    ).filter(
      (r) =>
        (!q.family || r.name.startsWith(q.family)) &&
        (!q.birthDate || r.birth_date === q.birthDate) &&
        (!q.gender || r.gender === q.gender),
    );
    return rows.map((r) => this.toFhir(r));
  }

  /**
   * I3 (ITI-104 semantics): conditional update on the card identifier, matched to an existing
   * resident by ID number (the deterministic linking rule). Returns 201 on create, 200 on update.
   */
  feed(p: {
    cardNo: string;
    idNo: string;
    name: string;
    gender: string;
    birthDate: string;
    ethnicity?: string;
    phone?: string;
    address?: string;
  }): { status: 200 | 201; empiId: string } {
    return this.db.transaction(() => {
      const existing = this.resolve(OID.idNo, p.idNo) ?? this.resolve(OID.cardNo, p.cardNo);
      if (existing) {
        this.db
          .prepare(
            "UPDATE patients SET name = ?, gender = ?, birth_date = ?, phone = COALESCE(?, phone), address = COALESCE(?, address), updated_at = ? WHERE empi_id = ?",
          )
          .run(p.name, p.gender, p.birthDate, p.phone ?? null, p.address ?? null, this.now(), existing);
        this.link(OID.cardNo, p.cardNo, existing);
        return { status: 200 as const, empiId: existing };
      }
      const n = (this.db.prepare("SELECT count(*) AS n FROM patients").get() as { n: number }).n + 1;
      const empiId = `EMPI${String(n).padStart(8, "0")}`;
      this.db
        .prepare(
          `INSERT INTO patients (empi_id, id_no, name, gender, birth_date, ethnicity, address, phone, source, updated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, 'card.issued', ?)`,
        )
        .run(
          empiId,
          p.idNo,
          p.name,
          p.gender,
          p.birthDate,
          p.ethnicity ?? null,
          p.address ?? null,
          p.phone ?? null,
          this.now(),
        );
      this.link(OID.idNo, p.idNo, empiId);
      this.link(OID.cardNo, p.cardNo, empiId);
      return { status: 201 as const, empiId };
    })();
  }
}
