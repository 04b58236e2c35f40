//! How each kind of record maps onto its table: one descriptor per entity, read by the generic
//! record code (insert, read, update, delete, filters), by the CLI's `field=value` parser and by
//! the exports, so a field is declared once here and once in its migration.
//!
//! To add a field: add a migration that adds the column, add it to the entity type in `domain/`,
//! and add it here. The round-trip test in `records.rs` fails when the three disagree.

use crate::domain::EntityKind;

/// How a field is held in SQLite and written on the command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColumnKind {
    /// Text, including months (`2026-03`), dates (`2026-03-31`) and words (`active`).
    Text,
    Integer,
    /// A plain number that is not money (KPI targets).
    Real,
    /// 0 or 1 in SQLite; `true`/`false`/`yes`/`no` on the command line.
    Bool,
    /// Two columns, `<field>_minor` and `<field>_currency`; `1234.50 EUR` on the command line.
    Money,
    /// A JSON array of words; `a,b,c` on the command line.
    List,
    /// The id of another record; its id or name on the command line.
    Ref(EntityKind),
}

#[derive(Clone, Copy, Debug)]
pub struct Column {
    pub field: &'static str,
    pub kind: ColumnKind,
    pub required: bool,
}

#[derive(Debug)]
pub struct Table {
    pub kind: EntityKind,
    pub name: &'static str,
    /// The column a person names a record by, where there is one.
    pub label: Option<&'static str>,
    pub columns: &'static [Column],
}

impl Table {
    pub fn column(&self, field: &str) -> Option<&'static Column> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// The SQL column names in order (a money field gives two).
    pub fn sql_columns(&self) -> Vec<String> {
        self.columns
            .iter()
            .flat_map(|c| match c.kind {
                ColumnKind::Money => vec![format!("{}_minor", c.field), format!("{}_currency", c.field)],
                _ => vec![c.field.to_owned()],
            })
            .collect()
    }
}

const fn req(field: &'static str, kind: ColumnKind) -> Column {
    Column { field, kind, required: true }
}

const fn opt(field: &'static str, kind: ColumnKind) -> Column {
    Column { field, kind, required: false }
}

use ColumnKind::*;

pub static TABLES: &[Table] = &[
    Table {
        kind: EntityKind::Initiative,
        name: "initiatives",
        label: Some("name"),
        columns: &[
            req("name", Text),
            opt("objective", Text),
            opt("owner", Text),
            req("status", Text),
            req("priority", Integer),
            req("start", Text),
            opt("end", Text),
            opt("annual_benefit", Money),
        ],
    },
    Table {
        kind: EntityKind::BudgetLine,
        name: "budget_lines",
        label: None,
        columns: &[
            req("initiative_id", Ref(EntityKind::Initiative)),
            req("month", Text),
            req("category", Text),
            req("amount", Money),
            opt("note", Text),
        ],
    },
    Table {
        kind: EntityKind::Actual,
        name: "actuals",
        label: None,
        columns: &[
            opt("initiative_id", Ref(EntityKind::Initiative)),
            req("month", Text),
            req("category", Text),
            req("amount", Money),
            req("source", Text),
            opt("vendor_id", Ref(EntityKind::Vendor)),
            opt("model_id", Ref(EntityKind::Model)),
            opt("note", Text),
            opt("provider", Text),
            opt("service", Text),
            opt("resource", Text),
            opt("tag", Text),
            opt("one_off", Bool),
        ],
    },
    Table {
        kind: EntityKind::Role,
        name: "roles",
        label: Some("name"),
        columns: &[req("name", Text), req("base_salary", Money), req("loaded_annual_cost", Money)],
    },
    Table {
        kind: EntityKind::Person,
        name: "people",
        label: Some("name"),
        columns: &[
            req("name", Text),
            opt("email", Text),
            req("role_id", Ref(EntityKind::Role)),
            opt("location", Text),
            req("start", Text),
            opt("end", Text),
        ],
    },
    Table {
        kind: EntityKind::Allocation,
        name: "allocations",
        label: None,
        columns: &[
            req("person_id", Ref(EntityKind::Person)),
            req("initiative_id", Ref(EntityKind::Initiative)),
            req("percent", Integer),
            req("start", Text),
            opt("end", Text),
            opt("model_id", Ref(EntityKind::Model)),
        ],
    },
    Table {
        kind: EntityKind::Requisition,
        name: "requisitions",
        label: Some("title"),
        columns: &[
            req("title", Text),
            req("role_id", Ref(EntityKind::Role)),
            opt("initiative_id", Ref(EntityKind::Initiative)),
            req("start", Text),
            req("status", Text),
        ],
    },
    Table {
        kind: EntityKind::Model,
        name: "models",
        label: Some("name"),
        columns: &[
            req("name", Text),
            opt("description", Text),
            opt("owner", Text),
            opt("initiative_id", Ref(EntityKind::Initiative)),
            req("stage", Text),
            req("risk_tier", Text),
            opt("data_categories", List),
            opt("deployment", Text),
            opt("notes", Text),
            opt("purpose", Text),
            opt("decides_about_people", Bool),
            opt("interacts_with_people", Bool),
            opt("generates_content", Bool),
            opt("ai_act_role", Text),
        ],
    },
    Table {
        kind: EntityKind::ModelVersion,
        name: "model_versions",
        label: None,
        columns: &[
            req("model_id", Ref(EntityKind::Model)),
            req("version", Text),
            req("stage", Text),
            opt("aliases", List),
            opt("run_id", Text),
            opt("notes", Text),
        ],
    },
    Table {
        kind: EntityKind::Vendor,
        name: "vendors",
        label: Some("name"),
        columns: &[req("name", Text), req("category", Text), opt("contact", Text), opt("website", Text)],
    },
    Table {
        kind: EntityKind::Contract,
        name: "contracts",
        label: Some("title"),
        columns: &[
            req("vendor_id", Ref(EntityKind::Vendor)),
            req("title", Text),
            opt("initiative_id", Ref(EntityKind::Initiative)),
            req("value", Money),
            req("start", Text),
            req("end", Text),
            req("notice_days", Integer),
            req("auto_renew", Bool),
        ],
    },
    Table {
        kind: EntityKind::VendorReview,
        name: "vendor_reviews",
        label: None,
        columns: &[
            req("vendor_id", Ref(EntityKind::Vendor)),
            req("date", Text),
            req("reviewer", Text),
            req("score", Integer),
            opt("notes", Text),
        ],
    },
    Table {
        kind: EntityKind::Kpi,
        name: "kpis",
        label: Some("name"),
        columns: &[
            req("name", Text),
            opt("initiative_id", Ref(EntityKind::Initiative)),
            opt("model_id", Ref(EntityKind::Model)),
            opt("metric_key", Text),
            req("unit", Text),
            req("direction", Text),
            opt("target_low", Real),
            opt("target_high", Real),
            opt("cadence", Text),
            opt("amber_margin", Real),
            opt("starred", Bool),
            opt("formula", Text),
        ],
    },
    Table {
        kind: EntityKind::KpiValue,
        name: "kpi_values",
        label: None,
        columns: &[
            req("kpi_id", Ref(EntityKind::Kpi)),
            req("date", Text),
            req("value", Real),
            req("source", Text),
            opt("note", Text),
        ],
    },
    Table {
        kind: EntityKind::ContractModel,
        name: "contract_models",
        label: None,
        columns: &[
            req("contract_id", Ref(EntityKind::Contract)),
            req("model_id", Ref(EntityKind::Model)),
            req("share", Integer),
        ],
    },
    Table {
        kind: EntityKind::ControlItem,
        name: "control_items",
        label: None,
        columns: &[
            req("model_id", Ref(EntityKind::Model)),
            req("control", Text),
            req("status", Text),
            opt("owner", Text),
            opt("due", Text),
            opt("evidence_kind", Text),
            opt("evidence", Text),
            opt("evidence_sha256", Text),
            opt("evidence_size", Integer),
            opt("note", Text),
            opt("reason", Text),
        ],
    },
    Table {
        kind: EntityKind::Signoff,
        name: "signoffs",
        label: None,
        columns: &[req("model_id", Ref(EntityKind::Model)), req("approver", Text), req("at", Text), opt("note", Text)],
    },
    Table {
        kind: EntityKind::Scenario,
        name: "scenarios",
        label: Some("name"),
        columns: &[req("name", Text), opt("note", Text)],
    },
    Table {
        kind: EntityKind::Connection,
        name: "connections",
        label: Some("name"),
        columns: &[
            req("name", Text),
            req("kind", Text),
            req("base_url", Text),
            req("auth", Text),
            opt("username", Text),
            opt("ca_file", Text),
            opt("insecure_skip_verify", Bool),
            req("interval_minutes", Integer),
        ],
    },
];

/// Tables outside the entity descriptors that still point at records, so that removing a record
/// can say what still refers to it: (table, column, what it points at).
pub static OTHER_REFERENCES: &[(&str, &str, EntityKind)] = &[
    ("metric_series", "model_id", EntityKind::Model),
    ("metric_series", "connection_id", EntityKind::Connection),
    ("sync_runs", "connection_id", EntityKind::Connection),
    ("cost_mappings", "model_id", EntityKind::Model),
    ("cost_mappings", "connection_id", EntityKind::Connection),
    ("promotions", "model_id", EntityKind::Model),
];

pub fn table(kind: EntityKind) -> &'static Table {
    TABLES.iter().find(|t| t.kind == kind).unwrap_or_else(|| unreachable!("every entity kind has a table: {kind}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_entity_kind_has_exactly_one_table() {
        for kind in EntityKind::ALL {
            assert_eq!(TABLES.iter().filter(|t| t.kind == *kind).count(), 1, "{kind}");
        }
    }
}
