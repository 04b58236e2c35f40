//! Writes a generated FOCUS billing export, to measure `import focus` against `sqlite3 .import`
//! by hand (see `benches/portfolio.rs`):
//!
//! ```sh
//! cargo run --release --example focus_export -- /tmp/focus-1m.csv 1000000
//! ```
//!
//! The rows are tagged `initiative` = "Initiative 01" … "Initiative 20" (one in ten names none),
//! charged over the twelve months of 2025; the same arguments always write the same file.

use std::io::BufWriter;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let usage = "usage: focus_export OUT.csv [ROWS]";
    let out = args.next().ok_or(usage)?;
    let rows: usize = args.next().map(|r| r.parse()).transpose()?.unwrap_or(1_000_000);
    let names: Vec<String> = (1..=20).map(|i| format!("Initiative {i:02}")).collect();
    let file = BufWriter::new(std::fs::File::create(&out)?);
    mlops_portfolio::demo::billing::write_focus_export(file, rows, &names, "2025-01".parse()?, 12, 7)?;
    println!("wrote {rows} rows to {out}");
    Ok(())
}
