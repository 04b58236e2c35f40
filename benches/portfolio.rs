//! Benchmarks at scale: `cargo bench`.
//!
//! - `focus_import/1M_rows`: importing a generated 1,000,000-row FOCUS billing export into a fresh
//!   portfolio, beside `focus_import/sqlite3_cli_import_1M_rows`, the `sqlite3` shell's
//!   `.import --csv` of the same file into a fresh database (goal: ≤ 1.25× the baseline). Peak
//!   memory (goal: ≤ 64 MiB) is measured on the command line, where the process is the import alone:
//!   `cargo run --release --example focus_export -- /tmp/focus-1m.csv`, then
//!   `/usr/bin/time -f '%e s, %M KiB' mlops-portfolio --db F import focus /tmp/focus-1m.csv` on a
//!   portfolio with the initiatives "Initiative 01" … "Initiative 20".
//! - `plan/load/large_demo`, `plan/compute_cold/large_demo`, `plan/compute/large_demo`: the planning
//!   core on the large demo (200 initiatives, 2,000 models, 5,000 people, 5 years), its inputs read
//!   and its pure half computed apart — cold (every series fitted) and warm (fits remembered, as
//!   after the first computation in a process); `plan/summary[_cold]/large_demo`: the `summary`
//!   command whole. `cargo bench --bench portfolio -- plan`.
//! - `forecast/1000_series_x_36_months`: spend forecasts with 95% intervals for 1,000 generated
//!   monthly series of 36 months (trend, noise, half with a yearly season, so both AutoETS and
//!   MSTL run; goal: ≤ 1 s). `forecast/large_demo`: the whole `forecast` report of the large demo.
//! - `chart/svg/NAME` and `chart/gather/NAME`: drawing each chart as SVG from gathered figures, and
//!   gathering them from the large demo; `chart/svg/spend_200_series` draws all 200 initiatives
//!   over 24 months unfolded (goal: SVG ≤ 20 ms). `cargo bench --bench portfolio -- chart`.
//! - `report/large_demo`: the executive report of the large demo, built and rendered to HTML.
//! - `value/cost_models/large_demo`: the fully loaded cost of every model for the fiscal year to
//!   date, from inputs already read (goal: ≤ 100 ms); `value/scorecard/large_demo`: the KPI
//!   scorecard, its values read from the file (goal: ≤ 50 ms); `value/import_100k_kpi_values`:
//!   importing a file of 100,000 KPI values (100 KPIs × 1,000 days) into a fresh portfolio (goal:
//!   ≤ 1 s). `cargo bench --bench portfolio -- value`.
//! - `sync/parse_store_1M_samples`: parsing a Prometheus `query_range` answer of 1,000,000 points
//!   (100 series × 10,000) and storing them with their rollups, one transaction per series (goal:
//!   ≥ 1,000,000 points/s and ≥ 0.8× the baseline);
//!   `sync/sqlite3_cli_import_1M_rows`, the baseline: the `sqlite3` shell's `.import --csv` of the
//!   same rows into an identical WITHOUT ROWID table; `sync/noop_resync_1M_samples`: the same
//!   answer again, planned against the stored points, nothing to write; `sync/parse_1M_samples`,
//!   the parsing alone.
//!   `cargo bench --bench portfolio -- sync` runs these alone.
//! - `governance/audit_verify_1M_rows`: checking the hash chain of an audit log of 1,000,000 rows
//!   (goal: ≤ 2 s); `governance/classify/large_demo`: classifying every model of the large demo,
//!   its governance state read from the file (goal: ≤ 50 ms); `governance/overview/large_demo`:
//!   every model's checklist, gate and flags, as the Governance page and the attention list read
//!   them. `cargo bench --bench portfolio -- governance`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use mlops_portfolio::analytics::forecast::{self, ForecastOptions, model};
use mlops_portfolio::api::{self, records};
use mlops_portfolio::demo::{self, DemoScale};
use mlops_portfolio::domain::{Currency, EntityKind, Month};
use mlops_portfolio::io::{FocusOptions, import_focus};
use mlops_portfolio::store::{Store, settings};
use mlops_portfolio::sync::{query_range, samples};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use serde_json::json;

const FOCUS_ROWS: usize = 1_000_000;

fn initiative_names() -> Vec<String> {
    (1..=20).map(|i| format!("Initiative {i:02}")).collect()
}

/// A fresh portfolio with the initiatives the generated bill is tagged with.
fn fresh_portfolio(dir: &Path, n: usize) -> Store {
    let path = dir.join(format!("bench-{n}.db"));
    let mut store = Store::open_as(&path, "bench").expect("portfolio opens");
    settings::init(store.conn(), "bench", Currency::USD).expect("base currency");
    for name in initiative_names() {
        let fields = json!({"name": name, "status": "active", "priority": 3, "start": "2025-01"});
        records::create(&mut store, EntityKind::Initiative, fields.as_object().cloned().unwrap_or_default())
            .expect("initiative");
    }
    store
}

fn focus_file(dir: &Path) -> PathBuf {
    let path = dir.join("focus-1m.csv");
    let file = std::io::BufWriter::new(std::fs::File::create(&path).expect("bench file"));
    let first: Month = "2025-01".parse().expect("month");
    demo::billing::write_focus_export(file, FOCUS_ROWS, &initiative_names(), first, 12, 7).expect("generated");
    path
}

fn focus_import(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let file = focus_file(dir.path());
    let mut group = c.benchmark_group("focus_import");
    group.sample_size(10).measurement_time(Duration::from_secs(60));
    let mut n = 0;
    group.bench_function("1M_rows", |b| {
        b.iter_batched(
            || {
                n += 1;
                fresh_portfolio(dir.path(), n)
            },
            |mut store| {
                let report = import_focus(&mut store, &file, &FocusOptions::default()).expect("import");
                assert_eq!(report.rows, FOCUS_ROWS);
                store
            },
            BatchSize::PerIteration,
        )
    });
    if sqlite3_installed() {
        group.bench_function("sqlite3_cli_import_1M_rows", |b| {
            b.iter_batched(
                || {
                    n += 1;
                    dir.path().join(format!("baseline-{n}.db"))
                },
                |path| {
                    let status = Command::new("sqlite3")
                        .arg(&path)
                        .arg(format!(".import --csv {} focus", file.display()))
                        .status()
                        .expect("sqlite3 runs");
                    assert!(status.success());
                    path
                },
                BatchSize::PerIteration,
            )
        });
    }
    group.finish();
}

/// Whether the `sqlite3` shell is here to give the baselines; says so when it is not.
fn sqlite3_installed() -> bool {
    let installed = Command::new("sqlite3").arg("-version").output().is_ok_and(|o| o.status.success());
    if !installed {
        eprintln!("sqlite3 is not installed (apt-get install sqlite3): the baseline is skipped");
    }
    installed
}

/// The planning core on the large demo: reading its inputs (`PlanInputs::load`) and the pure
/// compute half (every figure, every series' forecast, the attention list) measured apart, then
/// the `summary` command whole.
fn plan_large(c: &mut Criterion) {
    use mlops_portfolio::plan::{self, PlanInputs, PlanOptions};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let today = "2026-12-03".parse().expect("a date");
    let mut group = c.benchmark_group("plan");
    group.sample_size(20);
    group.bench_function("load/large_demo", |b| {
        b.iter(|| PlanInputs::load(store.conn(), current, today).expect("inputs"))
    });
    let inputs = PlanInputs::load(store.conn(), current, today).expect("inputs");
    let options = PlanOptions::default();
    // Cold: every series fitted, as on the first computation in a process. Warm: the fits are
    // remembered (the same facts again, or an edit that leaves the spend alone) — what the app and
    // a scenario pay after the first time.
    group.bench_function("compute_cold/large_demo", |b| {
        b.iter_batched(model::forget_fits, |()| plan::compute(&inputs, &options).expect("plan"), BatchSize::SmallInput)
    });
    group.bench_function("compute/large_demo", |b| b.iter(|| plan::compute(&inputs, &options).expect("plan")));
    group.bench_function("summary_cold/large_demo", |b| {
        b.iter_batched(
            model::forget_fits,
            |()| api::summary(&store, current, plan::PeriodChoice::default()).expect("summary"),
            BatchSize::SmallInput,
        )
    });
    group.bench_function("summary/large_demo", |b| {
        b.iter(|| api::summary(&store, current, plan::PeriodChoice::default()).expect("summary"))
    });
    group.finish();
}

/// Scenarios on the large demo: one of 20 changes against the baseline (`scenario show`), and four
/// of 5 changes beside it (`scenario compare`), from inputs already read; the fits are remembered,
/// as they are after the first computation in a process.
fn scenarios_large(c: &mut Criterion) {
    use mlops_portfolio::domain::{Initiative, Person, Role};
    use mlops_portfolio::plan::scenario::figures::{self, ChangeDeltaLabel};
    use mlops_portfolio::plan::scenario::{Catalog, ChangeKind, ChangeSpec};
    use mlops_portfolio::plan::{PeriodChoice, PlanInputs, PlanOptions};
    use mlops_portfolio::store::records as typed;

    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let today = "2026-12-03".parse().expect("a date");
    let conn = store.conn();
    let initiatives: Vec<String> = typed::list::<Initiative>(conn, &Default::default())
        .expect("initiatives")
        .into_iter()
        .map(|s| s.record.name)
        .collect();
    let roles: Vec<String> =
        typed::list::<Role>(conn, &Default::default()).expect("roles").into_iter().map(|s| s.record.name).collect();
    let people: Vec<String> = typed::list::<Person>(conn, &Default::default())
        .expect("people")
        .into_iter()
        .take(50)
        .map(|s| s.record.name)
        .collect();
    let spec = |kind, fields: Vec<(&str, String)>| ChangeSpec {
        kind,
        fields: fields.into_iter().map(|(k, v)| (k.to_owned(), v)).collect(),
    };
    // Twenty changes of every kind but the contract ones, spread over the portfolio.
    let changes: Vec<ChangeSpec> = (0..20)
        .map(|k| {
            let initiative = initiatives[k * 7 % initiatives.len()].clone();
            match k % 5 {
                0 => spec(
                    ChangeKind::Hire,
                    vec![
                        ("role", roles[k % roles.len()].clone()),
                        ("count", "2".into()),
                        ("start", "2027-03".into()),
                        ("initiative", initiative),
                    ],
                ),
                1 => spec(
                    ChangeKind::Spend,
                    vec![
                        ("initiative", initiative),
                        ("category", "compute".into()),
                        ("start", "2027-01".into()),
                        ("change", "-20%".into()),
                    ],
                ),
                2 => spec(
                    ChangeKind::Budget,
                    vec![
                        ("initiative", initiative),
                        ("category", "compute".into()),
                        ("start", "2027-01".into()),
                        ("amount", "10,000.00".into()),
                    ],
                ),
                3 => spec(ChangeKind::Leave, vec![("person", people[k].clone()), ("end", "2027-06".into())]),
                _ => spec(ChangeKind::InitiativeStop, vec![("initiative", initiative), ("from", "2027-07".into())]),
            }
        })
        .collect();
    let catalog = Catalog::load(conn).expect("catalog");
    let resolved: Vec<_> = changes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let label = ChangeDeltaLabel::of(k as u32 + 1, c);
            (label, c.resolve(&catalog).expect("a valid change"))
        })
        .collect();
    let inputs = PlanInputs::load(conn, current, today).expect("inputs");
    let options = PlanOptions { period: PeriodChoice::FiscalYear(2027), ..PlanOptions::default() };
    figures::view("bench", &inputs, &resolved, &options, false).expect("warm the fits");

    let mut group = c.benchmark_group("scenario");
    group.sample_size(20);
    group.bench_function("show_20_changes/large_demo", |b| {
        b.iter(|| figures::view("bench", &inputs, &resolved, &options, false).expect("view"))
    });
    let plain: Vec<_> = resolved.iter().map(|(_, c)| c.clone()).collect();
    group.bench_function("compare_4x5_changes/large_demo", |b| {
        // As `scenario compare` evaluates them: the baseline and each scenario side by side.
        let lists: Vec<Vec<_>> = std::iter::once(Vec::new()).chain(plain.chunks(5).map(<[_]>::to_vec)).collect();
        b.iter(|| figures::evaluate_all(&inputs, &lists, &options).expect("columns"))
    });
    group.finish();
}

/// Monthly spend series: a level, a trend, uniform noise of 2–10%, and for every other series a
/// yearly swing of up to 30%.
fn spend_series(count: usize, months: usize) -> Vec<Vec<f64>> {
    let mut rng = ChaCha8Rng::seed_from_u64(36);
    (0..count)
        .map(|n| {
            let level = rng.random_range(1_000.0..1_000_000.0);
            let slope = level * rng.random_range(-0.01..0.01);
            let season = if n % 2 == 0 { level * rng.random_range(0.0..0.3) } else { 0.0 };
            let noise = level * rng.random_range(0.02..0.1);
            (0..months)
                .map(|t| {
                    let t = t as f64;
                    let swing = season * (t * std::f64::consts::TAU / 12.0).sin();
                    level + slope * t + swing + noise * rng.random_range(-1.0..1.0)
                })
                .collect()
        })
        .collect()
}

fn forecasts(c: &mut Criterion) {
    let series = spend_series(1_000, 36);
    let mut group = c.benchmark_group("forecast");
    group.sample_size(10);
    group.bench_function("1000_series_x_36_months", |b| {
        b.iter_batched(
            model::forget_fits,
            |()| {
                let projections = model::forecast_many(&series, 12);
                assert!(projections.iter().all(|p| matches!(p, model::Projection::Forecast(_))));
                projections
            },
            BatchSize::SmallInput,
        )
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let today = "2026-12-03".parse().expect("a date");
    let options = ForecastOptions { as_of: current, today, horizon: 12, initiative: None };
    group.bench_function("large_demo", |b| {
        b.iter_batched(
            model::forget_fits,
            |()| forecast::forecast(store.conn(), &options).expect("forecast"),
            BatchSize::SmallInput,
        )
    });
    group.finish();
}

fn charts_large(c: &mut Criterion) {
    use mlops_portfolio::analytics::series::{self, Scope, SpendGrouping};
    use mlops_portfolio::charts::{self, Canvas, Chart, ChartName, ChartSpec};

    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let kpi = records::list(&store, EntityKind::Kpi, &serde_json::Map::new()).expect("kpis")[0].id;
    let spec = |name| ChartSpec {
        name,
        scope: Scope::portfolio(),
        kpi: Some(mlops_portfolio::domain::KpiId(kpi)),
        grouping: None,
        as_of: current,
        metric: None,
        scenarios: None,
    };
    let canvas = Canvas::default();
    let mut group = c.benchmark_group("chart");
    group.sample_size(20);
    // The demo has no synced metrics, so the model-metric chart is not measured here; the
    // scenario charts are measured with the scenarios (`scenarios_large`).
    let measured = |name: &ChartName| !matches!(name, ChartName::ModelMetric | ChartName::ScenarioCompare);
    for &name in ChartName::ALL.iter().filter(|name| measured(name)) {
        let chart = charts::gather(store.conn(), &spec(name)).expect("figures");
        group.bench_function(format!("svg/{name}"), |b| b.iter(|| charts::to_svg(&chart, &canvas).expect("svg")));
        group.bench_function(format!("gather/{name}"), |b| {
            b.iter(|| charts::gather(store.conn(), &spec(name)).expect("figures"))
        });
    }
    let inputs = mlops_portfolio::plan::PlanInputs::load(store.conn(), current, mlops_portfolio::plan::period::today())
        .expect("the inputs");
    let all = series::monthly_spend(&inputs, &Scope::portfolio(), SpendGrouping::Initiative, 200);
    assert!(all.series.len() >= 200 && all.months.len() == 24, "200 series × 24 months");
    let chart = Chart::from(all);
    group.bench_function("svg/spend_200_series", |b| b.iter(|| charts::to_svg(&chart, &canvas).expect("svg")));
    group.bench_function("png_2x/spend_200_series", |b| b.iter(|| charts::to_png(&chart, &canvas, 2).expect("png")));
    group.finish();
}

fn report_large(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let mut group = c.benchmark_group("report");
    group.sample_size(10);
    let options = mlops_portfolio::report::ReportOptions {
        as_of: current,
        period: Default::default(),
        today: "2026-12-03".parse().expect("a date"),
        scenarios: Vec::new(),
    };
    group.bench_function("large_demo", |b| {
        b.iter(|| {
            let page = mlops_portfolio::report::build(store.conn(), store.path(), &options, "2026-12-03T08:00:00Z")
                .expect("report");
            mlops_portfolio::report::html::render(&page)
        })
    });
    group.finish();
}

const SYNC_SERIES: usize = 100;
const SYNC_POINTS_PER_SERIES: usize = 10_000;
const SYNC_SAMPLES: usize = SYNC_SERIES * SYNC_POINTS_PER_SERIES;

/// A `query_range` answer as Prometheus writes it — 100 series of 10,000 one-minute points with
/// values of a few decimals — and the same rows as CSV (`series_id,ts,value`) for the baseline.
fn range_answer_and_csv() -> (Vec<u8>, String) {
    let (mut body, mut csv) = (String::with_capacity(40 << 20), String::with_capacity(30 << 20));
    body.push_str(r#"{"status":"success","data":{"resultType":"matrix","result":["#);
    for series in 0..SYNC_SERIES {
        if series > 0 {
            body.push(',');
        }
        let _ = write!(body, r#"{{"metric":{{"__name__":"latency_ms","model":"model-{series}"}},"values":["#);
        for i in 0..SYNC_POINTS_PER_SERIES {
            let ts = 1_700_000_040 + 60 * i as i64;
            let value = format!("{:.3}", 20.0 + ((i * 7919 + series * 31) % 10_000) as f64 / 37.0);
            let _ = write!(body, "{}[{ts},\"{value}\"]", if i > 0 { "," } else { "" });
            let _ = writeln!(csv, "{},{ts},{value}", series + 1);
        }
        body.push_str("]}");
    }
    body.push_str("]}}");
    (body.into_bytes(), csv)
}

/// A portfolio with one metric series (ids 1..=100) per series of the answer.
fn portfolio_with_series(path: &Path) -> Store {
    let mut store = Store::open_as(path, "bench").expect("portfolio opens");
    settings::init(store.conn(), "bench", Currency::USD).expect("base currency");
    store
        .in_transaction(|tx, _| {
            for i in 1..=SYNC_SERIES {
                tx.execute(
                    "INSERT INTO models (id, name, stage, risk_tier) VALUES (?1, ?2, 'production', 'low')",
                    rusqlite::params![i as i64, format!("model-{i}")],
                )?;
                tx.execute(
                    "INSERT INTO metric_series (id, model_id, key, unit, query) VALUES (?1, ?1, 'latency_ms', 'ms', 'q')",
                    [i as i64],
                )?;
            }
            Ok(())
        })
        .expect("series");
    store
}

/// Parses the answer and stores every series in its own transaction; returns the points written.
fn parse_and_store(store: &mut Store, body: &[u8]) -> usize {
    let answer = query_range::parse(body).expect("a valid answer");
    let mut written = 0;
    for (i, series) in answer.series.iter().enumerate() {
        written +=
            store.in_transaction(|tx, _| samples::store_points(tx, i as i64 + 1, &series.samples)).expect("stored");
    }
    written
}

fn sync_throughput(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let (body, csv) = range_answer_and_csv();
    let csv_path = dir.path().join("samples.csv");
    std::fs::write(&csv_path, csv).expect("csv written");
    let mut group = c.benchmark_group("sync");
    group
        .sample_size(10)
        .measurement_time(Duration::from_secs(40))
        .throughput(Throughput::Elements(SYNC_SAMPLES as u64));

    group.bench_function("parse_1M_samples", |b| {
        b.iter(|| assert_eq!(query_range::parse(&body).expect("a valid answer").series.len(), SYNC_SERIES))
    });

    let mut n = 0;
    group.bench_function("parse_store_1M_samples", |b| {
        b.iter_batched(
            || {
                n += 1;
                portfolio_with_series(&dir.path().join(format!("sync-{n}.db")))
            },
            |mut store| {
                assert_eq!(parse_and_store(&mut store, &body), SYNC_SAMPLES);
                store
            },
            BatchSize::PerIteration,
        )
    });

    if sqlite3_installed() {
        group.bench_function("sqlite3_cli_import_1M_rows", |b| {
            b.iter_batched(
                || {
                    n += 1;
                    let path = dir.path().join(format!("baseline-{n}.db"));
                    rusqlite::Connection::open(&path)
                        .and_then(|conn| {
                            conn.execute_batch(
                                "CREATE TABLE metric_samples (series_id INTEGER NOT NULL, ts INTEGER NOT NULL, value REAL,
                                     PRIMARY KEY (series_id, ts)) WITHOUT ROWID;",
                            )
                        })
                        .expect("baseline table");
                    path
                },
                |path| {
                    let status = Command::new("sqlite3")
                        .arg(&path)
                        .arg(format!(".import --csv {} metric_samples", csv_path.display()))
                        .status()
                        .expect("sqlite3 runs");
                    assert!(status.success());
                    path
                },
                BatchSize::PerIteration,
            )
        });
    }

    let mut loaded = portfolio_with_series(&dir.path().join("loaded.db"));
    assert_eq!(parse_and_store(&mut loaded, &body), SYNC_SAMPLES);
    group.bench_function("noop_resync_1M_samples", |b| {
        b.iter(|| assert_eq!(parse_and_store(&mut loaded, &body), 0, "nothing to write"))
    });
    group.finish();
}

/// What models cost and how KPIs stand on the large demo, and a large file of KPI values.
fn value_large(c: &mut Criterion) {
    use mlops_portfolio::plan::{PeriodChoice, PlanInputs, kpi, model_cost};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let today: chrono::NaiveDate = "2026-11-20".parse().expect("a date");
    let inputs = PlanInputs::load(store.conn(), current, today).expect("inputs");
    let mut group = c.benchmark_group("value");
    group.sample_size(20);
    group.bench_function("cost_models/large_demo", |b| {
        b.iter(|| model_cost::model_costs(&inputs, PeriodChoice::CurrentFiscalYear))
    });
    group.bench_function("scorecard/large_demo", |b| {
        b.iter(|| kpi::scorecard(store.conn(), &inputs, today, None).expect("scorecard"))
    });

    // 100 KPIs with 1,000 daily values each.
    let mut csv = String::from("kpi,date,value,note\n");
    let first: chrono::NaiveDate = "2024-01-01".parse().expect("a date");
    for k in 0..100 {
        for d in 0..1_000u64 {
            let day = first + chrono::Days::new(d);
            writeln!(csv, "KPI {k:03},{day},{}.{},", 90 + (d % 10), (k * 7 + d) % 100).expect("a line");
        }
    }
    let file = dir.path().join("kpi-values.csv");
    std::fs::write(&file, csv).expect("the file is written");
    group.sample_size(10);
    group.bench_function("import_100k_kpi_values", |b| {
        b.iter_batched(
            || {
                let inner = tempfile::tempdir().expect("temp dir");
                let mut store = Store::open_as(&inner.path().join("p.db"), "bench").expect("opens");
                settings::init(store.conn(), "bench", Currency::USD).expect("currency");
                for k in 0..100 {
                    let fields = json!({"name": format!("KPI {k:03}"), "unit": "%", "direction": "higher_is_better",
                                        "target_low": 92.0, "cadence": "daily"});
                    records::create(&mut store, EntityKind::Kpi, fields.as_object().expect("fields").clone())
                        .expect("a KPI");
                }
                (inner, store)
            },
            |(_inner, mut store)| {
                let report = mlops_portfolio::io::import_kpi_values(&mut store, &file).expect("imported");
                assert_eq!(report.written, 100_000);
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

fn governance(c: &mut Criterion) {
    use mlops_portfolio::governance::Register;
    use mlops_portfolio::store::audit::{self, Action, Event, Subject};
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let today: chrono::NaiveDate = "2026-11-20".parse().expect("a date");
    let mut group = c.benchmark_group("governance");
    group.sample_size(20);
    group.bench_function("classify/large_demo", |b| {
        b.iter(|| {
            let register = Register::load(store.conn(), None).expect("register");
            let classes: usize =
                register.models.iter().map(|m| register.classify(m.id, &m.record).0.frameworks.len()).sum();
            assert!(classes > 2_000);
        })
    });
    let register = Register::load(store.conn(), None).expect("register");
    group.bench_function("overview/large_demo", |b| b.iter(|| register.overview(today)));

    // An audit log of 1,000,000 rows: the large demo's own, then record updates to make up the rest.
    let rows: i64 = store.conn().query_row("SELECT count(*) FROM audit_log", [], |r| r.get(0)).expect("count");
    store
        .in_transaction(|tx, actor| {
            let after = json!({"name": "Initiative 001", "status": "active", "priority": 2, "start": "2025-01"});
            for n in rows..1_000_000 {
                let subject = Subject::Record(EntityKind::Initiative, n % 200 + 1);
                audit::write(
                    tx,
                    actor,
                    Event { subject, action: Action::Update, before: Some(&after), after: Some(&after) },
                )?;
            }
            Ok(())
        })
        .expect("a million audit rows");
    group.sample_size(10);
    group.bench_function("audit_verify_1M_rows", |b| {
        b.iter(|| {
            let verification = audit::verify(store.conn()).expect("verify");
            assert!(verification.ok && verification.rows == 1_000_000);
        })
    });
    group.finish();
}

criterion_group!(
    benches,
    governance,
    focus_import,
    plan_large,
    value_large,
    scenarios_large,
    charts_large,
    forecasts,
    report_large,
    sync_throughput
);
criterion_main!(benches);
