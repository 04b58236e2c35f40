//! A generator of FOCUS billing exports of any size, for benchmarks and crash tests: realistic
//! columns, hourly charges spread over months, tags that name the given initiatives (and some that
//! name none), costs with billing precision. The same arguments always write the same file.

use std::io::Write;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;

use crate::domain::Month;
use crate::error::{Error, Result};

const SERVICES: &[(&str, &str, &str)] = &[
    ("AWS", "Amazon SageMaker", "AI and Machine Learning"),
    ("AWS", "Amazon Elastic Compute Cloud", "Compute"),
    ("AWS", "Amazon Simple Storage Service", "Storage"),
    ("Microsoft", "Azure OpenAI Service", "AI and Machine Learning"),
    ("Google Cloud", "Vertex AI", "AI and Machine Learning"),
    ("Google Cloud", "BigQuery", "Analytics"),
    ("AWS", "Amazon Relational Database Service", "Databases"),
    ("AWS", "AWS Data Transfer", "Networking"),
];

/// Writes `rows` FOCUS rows charged from `first` over `months` months, tagged with `initiatives`
/// (about one row in ten carries an unknown tag or none).
pub fn write_focus_export(
    out: impl Write,
    rows: usize,
    initiatives: &[String],
    first: Month,
    months: i32,
    seed: u64,
) -> Result<()> {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut writer = csv::Writer::from_writer(out);
    let fail = |e: csv::Error| Error::Io(format!("cannot write the generated FOCUS file: {e}"));
    writer
        .write_record([
            "BillingAccountId",
            "BillingCurrency",
            "ChargePeriodStart",
            "ChargePeriodEnd",
            "ChargeCategory",
            "ServiceCategory",
            "ServiceName",
            "ProviderName",
            "ResourceId",
            "BilledCost",
            "EffectiveCost",
            "Tags",
        ])
        .map_err(fail)?;
    let months = months.max(1);
    for i in 0..rows {
        let month = first.plus(rng.random_range(0..months));
        let day = rng.random_range(1..=28);
        let hour = rng.random_range(0..24);
        let (provider, service, category) = SERVICES[rng.random_range(0..SERVICES.len())];
        let start = format!("{month}-{day:02}T{hour:02}:00:00Z");
        let end = format!("{month}-{day:02}T{hour:02}:59:59Z");
        let micros: i64 = rng.random_range(1..50_000_000);
        let billed = format!("{}.{:06}", micros / 1_000_000, micros % 1_000_000);
        let discount = rng.random_range(70..=100);
        let effective_micros = micros * discount / 100;
        let effective = format!("{}.{:06}", effective_micros / 1_000_000, effective_micros % 1_000_000);
        let tag_roll = rng.random_range(0..100);
        let tags = if initiatives.is_empty() || tag_roll < 5 {
            String::new()
        } else if tag_roll < 10 {
            r#"{"initiative":"sandbox","team":"research"}"#.to_owned()
        } else {
            let name = &initiatives[rng.random_range(0..initiatives.len())];
            serde_json::json!({ "initiative": name, "env": "prod" }).to_string()
        };
        let resource = format!("arn:aws:resource/{}-{}", service.split_whitespace().last().unwrap_or("x"), i % 5_000);
        writer
            .write_record([
                "123456789012",
                "USD",
                &start,
                &end,
                "Usage",
                category,
                service,
                provider,
                &resource,
                &billed,
                &effective,
                &tags,
            ])
            .map_err(fail)?;
    }
    writer.flush().map_err(|e| Error::Io(format!("cannot write the generated FOCUS file: {e}")))
}
