//! Benchmarks at scale: `cargo bench`.
//!
//! - `focus_import/1M_rows`: importing a generated 1,000,000-row FOCUS billing export into a fresh
//!   portfolio (goal: ≤ 5 s on 2 cores).
//! - `summary/large_demo`: the summary of the large demo (200 initiatives, 2,000 models, 5,000
//!   people, 5 years).
//! - `forecast/1000_series_x_36_months`: spend forecasts with 95% intervals for 1,000 generated
//!   monthly series of 36 months (trend, noise, half with a yearly season, so both AutoETS and
//!   MSTL run; goal: ≤ 1 s). `forecast/large_demo`: the whole `forecast` report of the large demo.
//! - `chart/svg/NAME` and `chart/gather/NAME`: drawing each chart as SVG from gathered figures, and
//!   gathering them from the large demo; `chart/svg/spend_200_series` draws all 200 initiatives
//!   over 24 months unfolded (goal: SVG ≤ 20 ms). `cargo bench --bench portfolio -- chart`.
//! - `report/large_demo`: the executive report of the large demo, built and rendered to HTML.

use std::path::{Path, PathBuf};
use std::time::Duration;

use criterion::{BatchSize, Criterion, criterion_group, criterion_main};
use mlops_portfolio::analytics::forecast::{self, ForecastOptions, model};
use mlops_portfolio::api::{self, records};
use mlops_portfolio::demo::{self, DemoScale};
use mlops_portfolio::domain::{Currency, EntityKind, Month};
use mlops_portfolio::io::{FocusOptions, import_focus};
use mlops_portfolio::store::{Store, settings};
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
    group.finish();
}

fn summary_large(c: &mut Criterion) {
    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let mut group = c.benchmark_group("summary");
    group.sample_size(20);
    group.bench_function("large_demo", |b| b.iter(|| api::summary(&store, current).expect("summary")));
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
        b.iter(|| {
            let projections = model::forecast_many(&series, 12);
            assert!(projections.iter().all(|p| matches!(p, model::Projection::Forecast(_))));
            projections
        })
    });

    let dir = tempfile::tempdir().expect("temp dir");
    let mut store = Store::open_as(&dir.path().join("large.db"), "bench").expect("portfolio opens");
    let current: Month = "2026-11".parse().expect("month");
    demo::build(&mut store, DemoScale::Large, current).expect("large demo");
    let options = ForecastOptions { as_of: current, horizon: 12, initiative: None };
    group.bench_function("large_demo", |b| b.iter(|| forecast::forecast(store.conn(), &options).expect("forecast")));
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
    };
    let canvas = Canvas::default();
    let mut group = c.benchmark_group("chart");
    group.sample_size(20);
    for &name in ChartName::ALL {
        let chart = charts::gather(store.conn(), &spec(name)).expect("figures");
        group.bench_function(format!("svg/{name}"), |b| b.iter(|| charts::to_svg(&chart, &canvas).expect("svg")));
        group.bench_function(format!("gather/{name}"), |b| {
            b.iter(|| charts::gather(store.conn(), &spec(name)).expect("figures"))
        });
    }
    let all = series::monthly_spend(store.conn(), &Scope::portfolio(), SpendGrouping::Initiative, current, 200)
        .expect("monthly spend");
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
    group.bench_function("large_demo", |b| {
        b.iter(|| {
            let page = mlops_portfolio::report::build(store.conn(), store.path(), current, "2026-11-26T00:00:00Z")
                .expect("report");
            mlops_portfolio::report::html::render(&page)
        })
    });
    group.finish();
}

criterion_group!(benches, focus_import, summary_large, charts_large, forecasts, report_large);
criterion_main!(benches);
