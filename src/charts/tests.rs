//! Chart tests on the small demo (built for a fixed month so snapshots are stable), on an empty
//! portfolio, and on names that try to break out of the SVG.
//!
//! The SVG snapshots under `snapshots/` were looked at as PNGs before they were accepted. To look
//! again: `MLOPS_CHART_REVIEW=/tmp/charts cargo test -p mlops-portfolio --lib charts::tests::review`
//! writes every chart in every theme there.

use std::sync::OnceLock;

use super::*;
use crate::analytics::series::{BurnForecast, ForecastPoint};
use crate::api::Session;
use crate::demo::{self, DemoScale};
use crate::domain::EntityKind;
use crate::store::{Store, records, settings};

/// The month the demo is built for and charted at: actuals run to October 2026.
const AS_OF: &str = "2026-11";

struct TempStore {
    _dir: tempfile::TempDir,
    /// A session, so the command tests can dispatch to it; it dereferences to the store.
    store: Session,
}

fn month(text: &str) -> Month {
    text.parse().expect("a test month")
}

fn empty_store() -> TempStore {
    let dir = tempfile::tempdir().expect("a temporary folder");
    let store = Store::open_as(&dir.path().join("charts.db"), "chart-test").expect("a new portfolio opens");
    settings::init(store.conn(), "chart-test", crate::domain::Currency::USD).expect("the base currency is set");
    TempStore { _dir: dir, store: Session::new(store) }
}

/// The small demo, with a year of daily measurements for the KPI "Fraud model precision", so the
/// KPI chart has something to draw (the demo itself has no synced metrics).
fn demo_store() -> TempStore {
    let mut db = empty_store();
    demo::build(&mut db.store, DemoScale::Small, month(AS_OF)).expect("the small demo builds");
    add_precision_measurements(&db.store);
    add_latency_series(&mut db.store, "fraud-txn-scorer");
    db
}

/// The instant the live metric charts are drawn at: noon UTC on 2 November 2026.
const METRIC_NOW: i64 = 1_793_620_800;
const HOUR: i64 = 3_600;

/// Binds `latency_p95_ms` (ms, bad above 200) of `model` to a Prometheus connection and stores 30
/// days of 5-minute points through the sync's own writer (so the rollups are the real ones): a
/// daily wave around 150 ms, a breach 10 to 7 hours before now, no points 20 to 17 hours before
/// now, one +Inf point 26 hours before now, and a last point of 212 ms four minutes before now.
fn add_latency_series(store: &mut Store, model: &str) {
    use crate::domain::{BadWhen, MetricSample};
    use crate::sync::bindings::BindRequest;
    store
        .conn()
        .execute(
            "INSERT INTO connections (name, kind, base_url, auth, interval_minutes)
             VALUES ('prom', 'prometheus', 'http://127.0.0.1:9', 'none', 15)",
            [],
        )
        .expect("a connection");
    let request = BindRequest {
        model: model.to_owned(),
        key: Some("latency_p95_ms".into()),
        query: Some(r#"histogram_quantile(0.95, rate(latency_bucket{model="{model}"}[5m]))"#.into()),
        unit: Some("ms".into()),
        threshold: Some(200.0),
        bad_when: Some(BadWhen::Above),
        step_seconds: Some(300),
        connection: Some("prom".into()),
        ..BindRequest::default()
    };
    let series = crate::api::metrics::bind_metric(store, &request).expect("the binding")[0].id;
    let first = METRIC_NOW - 30 * 86_400;
    let points: Vec<MetricSample> = (0..30 * 288)
        .map(|i| first + i * 300)
        .filter(|ts| !(METRIC_NOW - 20 * HOUR..METRIC_NOW - 17 * HOUR).contains(ts))
        .map(|ts| {
            let hour_of_day = (ts.rem_euclid(86_400)) as f64 / 3_600.0;
            let wave = 150.0 + 25.0 * (hour_of_day / 24.0 * std::f64::consts::TAU).sin();
            let jitter = ((ts / 300) * 7_919 % 13) as f64 - 6.0;
            let breach = if (METRIC_NOW - 10 * HOUR..METRIC_NOW - 7 * HOUR).contains(&ts) { 75.0 } else { 0.0 };
            let value = if ts == METRIC_NOW - 26 * HOUR { f64::INFINITY } else { wave + jitter + breach };
            MetricSample { ts, value: Some(value) }
        })
        .chain([MetricSample { ts: METRIC_NOW - 240, value: Some(212.0) }])
        .collect();
    store.in_transaction(|tx, _| crate::sync::samples::store_points(tx, series, &points)).expect("points stored");
    store
        .conn()
        .execute(
            "INSERT INTO sync_runs (connection_id, started_at, finished_at, status, fetched, written)
             SELECT id, '2026-11-02T11:58:00Z', '2026-11-02T11:58:02Z', 'succeeded', 288, 288 FROM connections
             WHERE name = 'prom'",
            [],
        )
        .expect("a sync run");
}

/// The latency chart of `model` over the `hours` before [`METRIC_NOW`].
fn latency_window(store: &Store, model: &str, hours: i64) -> MetricWindow {
    let model = crate::domain::ModelId(records::resolve(store.conn(), EntityKind::Model, model).expect("the model"));
    MetricWindow { model, key: "latency_p95_ms".into(), since: METRIC_NOW - hours * HOUR, now: METRIC_NOW }
}

fn add_precision_measurements(store: &Store) {
    let conn = store.conn();
    let model: i64 = conn
        .query_row("SELECT id FROM models WHERE name = 'fraud-txn-scorer'", [], |r| r.get(0))
        .expect("the demo has the fraud model");
    conn.execute("INSERT INTO metric_series (model_id, key, unit) VALUES (?1, 'precision', 'ratio')", [model])
        .expect("a series");
    let series = conn.last_insert_rowid();
    let start = month("2025-12").first_day().and_hms_opt(12, 0, 0).expect("noon").and_utc().timestamp();
    for day in 0..335i64 {
        // A slow wave around 0.935 with a dip below the 0.92 target in spring, and a gap in August.
        if (245..252).contains(&day) {
            continue;
        }
        let wave = (day as f64 / 23.0).sin() * 0.008 + (day as f64 / 5.0).cos() * 0.003;
        let dip = if (110..135).contains(&day) { -0.025 } else { 0.0 };
        conn.execute(
            "INSERT INTO metric_samples (series_id, ts, value) VALUES (?1, ?2, ?3)",
            rusqlite::params![series, start + day * 86_400, 0.935 + wave + dip],
        )
        .expect("a sample");
    }
}

fn spec(store: &Store, name: ChartName) -> ChartSpec {
    let kpi = (name == ChartName::Kpi).then(|| {
        KpiId(records::resolve(store.conn(), EntityKind::Kpi, "Fraud model precision").expect("the demo KPI"))
    });
    let metric = (name == ChartName::ModelMetric).then(|| latency_window(store, "fraud-txn-scorer", 36));
    let scenarios = (name == ChartName::ScenarioCompare).then(|| ScenarioChoice {
        names: crate::store::scenarios::list(store.conn())
            .expect("the demo's scenarios")
            .into_iter()
            .map(|s| s.name)
            .collect(),
        view: ScenarioChartView::Spend,
        period: crate::plan::PeriodChoice::FiscalYear(2027),
    });
    ChartSpec { name, scope: Scope::portfolio(), kpi, grouping: None, as_of: month(AS_OF), metric, scenarios }
}

fn demo_chart(store: &Store, name: ChartName) -> Chart {
    gather(store.conn(), &spec(store, name)).expect("the chart's figures are gathered")
}

/// A forecast for the rest of the year in the shape the forecasting code will hand over: the
/// last actual month's pace, with an interval widening by 4% a month.
fn sample_forecast(burn: &BudgetBurn) -> BurnForecast {
    let last = burn.actual_cumulative_minor.len();
    let spent = burn.actual_to_date_minor();
    let pace = spent / last as i64;
    let points = (last..burn.months.len())
        .map(|i| {
            let ahead = (i + 1 - last) as i64;
            let cumulative_minor = spent + pace * ahead;
            let spread = pace * ahead * 4 * ahead / 100 + pace / 20;
            ForecastPoint {
                month: burn.months[i],
                cumulative_minor,
                lower_minor: cumulative_minor - spread,
                upper_minor: cumulative_minor + spread,
            }
        })
        .collect();
    BurnForecast { points, level: 0.95 }
}

/// Pixels of the plot region (below the title, above the footnote) that are not background, and
/// how many of them are coloured (a series, not grey text or grid).
fn plotted_pixels(bitmap: &Bitmap, theme: &Theme) -> (usize, usize) {
    let bg = theme.background;
    let (x0, x1) = (bitmap.width as usize / 10, bitmap.width as usize * 95 / 100);
    let (y0, y1) = (bitmap.height as usize / 5, bitmap.height as usize * 9 / 10);
    let (mut differing, mut coloured) = (0, 0);
    for y in y0..y1 {
        for x in x0..x1 {
            let i = (y * bitmap.width as usize + x) * 3;
            let pixel = &bitmap.rgb[i..i + 3];
            if pixel != [bg.0, bg.1, bg.2] {
                differing += 1;
            }
            let (high, low) = (pixel.iter().max().copied().unwrap_or(0), pixel.iter().min().copied().unwrap_or(0));
            if high - low > 60 {
                coloured += 1;
            }
        }
    }
    (differing, coloured)
}

fn demo() -> &'static std::sync::Mutex<TempStore> {
    static DEMO: OnceLock<std::sync::Mutex<TempStore>> = OnceLock::new();
    DEMO.get_or_init(|| std::sync::Mutex::new(demo_store()))
}

#[test]
fn review() {
    let Ok(dir) = std::env::var("MLOPS_CHART_REVIEW") else { return };
    std::fs::create_dir_all(&dir).expect("the review folder");
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for &name in ChartName::ALL {
        let mut chart = demo_chart(&db.store, name);
        if let Body::BudgetBurn(burn) = &chart.body {
            let forecast = sample_forecast(burn);
            chart = Chart::from(burn.clone().with_forecast(forecast, Some(month("2026-12"))));
        }
        for &theme in ThemeName::ALL {
            let canvas = Canvas { theme, ..Canvas::default() };
            let png = to_png(&chart, &canvas, 1).expect("a PNG");
            std::fs::write(format!("{dir}/{name}-{theme}.png"), png).expect("written");
            let svg = to_svg(&chart, &canvas).expect("an SVG");
            std::fs::write(format!("{dir}/{name}-{theme}.svg"), svg).expect("written");
        }
    }
    let window = latency_window(&db.store, "fraud-txn-scorer", 30 * 24);
    let month_of_latency = Chart::from(
        series::metric_trend(db.store.conn(), window.model, &window.key, window.since, window.now).expect("the trend"),
    );
    for &theme in ThemeName::ALL {
        let png = to_png(&month_of_latency, &Canvas { theme, ..Canvas::default() }, 1).expect("a PNG");
        std::fs::write(format!("{dir}/model-metric-30d-{theme}.png"), png).expect("written");
    }
}

#[test]
fn every_chart_of_the_demo_matches_its_reviewed_svg() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for &name in ChartName::ALL {
        let chart = demo_chart(&db.store, name);
        assert!(!chart.is_empty(), "{name}: the demo has data for every chart");
        let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
        insta::assert_snapshot!(name.as_str(), svg);
    }
    for view in [ScenarioChartView::Team, ScenarioChartView::Changes] {
        let mut spec = spec(&db.store, ChartName::ScenarioCompare);
        spec.scenarios.as_mut().expect("scenarios").view = view;
        let chart = gather(db.store.conn(), &spec).expect("the scenario chart");
        assert!(!chart.is_empty(), "{view}: the demo's scenarios have changes in 2027");
        let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
        insta::assert_snapshot!(format!("scenario-compare-{view}"), svg);
    }
    let Body::BudgetBurn(burn) = demo_chart(&db.store, ChartName::BudgetBurn).body else { unreachable!() };
    let drawn = burn.forecast.as_ref().expect("the demo has history enough for the spend forecast");
    let through = burn.actuals_through().expect("the demo has actuals");
    assert_eq!(drawn.points.first().map(|p| p.month), Some(through.plus(1)), "the forecast starts after actuals");
    assert!(drawn.points.iter().all(|p| p.lower_minor <= p.cumulative_minor && p.cumulative_minor <= p.upper_minor));
    let forecast = sample_forecast(&burn);
    let chart = Chart::from(burn.with_forecast(forecast, Some(month("2026-12"))));
    insta::assert_snapshot!("budget-burn-with-forecast", to_svg(&chart, &Canvas::default()).expect("an SVG"));
}

#[test]
fn svg_has_a_title_and_description_for_screen_readers() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let chart = demo_chart(&db.store, ChartName::Models);
    let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
    let root = &svg[svg.find("<svg").expect("an svg element")..];
    let root = &root[..root.find('>').expect("closed")];
    assert!(root.contains(r#"role="img""#), "{root}");
    assert!(root.contains("aria-labelledby=\"chart-"), "{root}");
    assert!(svg.contains("<title id=\"chart-"), "a title element");
    assert!(svg.contains("<desc id=\"chart-"), "a desc element");
    assert!(svg.contains("31 models"), "the description carries the figures");
    assert_eq!(svg.matches("<svg").count(), 1);
    assert!(svg.trim_end().ends_with("</svg>"));
}

#[test]
fn png_is_the_canvas_size_times_the_scale_and_the_plot_is_not_blank() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    for &name in ChartName::ALL {
        let chart = demo_chart(&db.store, name);
        for (theme, scale) in [(ThemeName::Light, 1), (ThemeName::Dark, 2)] {
            let canvas = Canvas { theme, ..Canvas::default() };
            let bitmap = to_bitmap(&chart, &canvas, scale).expect("pixels");
            assert_eq!((bitmap.width, bitmap.height), (1600 * scale, 900 * scale), "{name} at {scale}×");
            let (drawn, coloured) = plotted_pixels(&bitmap, &Theme::of(theme));
            let at_scale = (scale * scale) as usize;
            assert!(
                drawn > 15_000 * at_scale && coloured > 4_000 * at_scale,
                "{name} in {theme} at {scale}×: only {drawn} plot pixels drawn, {coloured} in colour"
            );
        }
        let png = to_png(&chart, &Canvas::default(), 2).expect("a PNG");
        assert_eq!(&png[..8], b"\x89PNG\r\n\x1a\n", "{name}: a PNG signature");
        let width = u32::from_be_bytes(png[16..20].try_into().expect("4 bytes"));
        let height = u32::from_be_bytes(png[20..24].try_into().expect("4 bytes"));
        assert_eq!((width, height), (3200, 1800), "{name}: the PNG header's size at 2×");
    }
}

#[test]
fn sizes_and_scales_out_of_range_are_refused_before_drawing() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let chart = demo_chart(&db.store, ChartName::Models);
    let err = to_svg(&chart, &Canvas { width: 100, ..Canvas::default() }).unwrap_err();
    assert!(err.to_string().contains("width: 100"), "{err}");
    let err = to_png(&chart, &Canvas::default(), 9).unwrap_err();
    assert!(err.to_string().contains("scale: 9"), "{err}");
}

#[test]
fn an_empty_portfolio_says_no_data_yet_in_every_chart() {
    let db = empty_store();
    let conn = db.store.conn();
    // A KPI with no measurements, so the KPI chart has something to ask for.
    conn.execute(
        "INSERT INTO kpis (name, unit, direction, target_low) VALUES ('Uptime', '%', 'higher_is_better', 99.5)",
        [],
    )
    .expect("a KPI");
    conn.execute("INSERT INTO scenarios (name, note) VALUES ('Empty plan', '')", []).expect("a scenario");
    for &name in ChartName::ALL {
        if name == ChartName::ModelMetric {
            continue; // It needs a bound model, which the models chart would count: see the next test.
        }
        let kpi = (name == ChartName::Kpi)
            .then(|| KpiId(records::resolve(conn, EntityKind::Kpi, "Uptime").expect("the KPI")));
        // A scenario with no changes on an empty portfolio.
        let scenarios = (name == ChartName::ScenarioCompare).then(|| ScenarioChoice {
            names: vec!["Empty plan".to_owned()],
            view: ScenarioChartView::Spend,
            period: crate::plan::PeriodChoice::default(),
        });
        let spec = ChartSpec {
            name,
            scope: Scope::portfolio(),
            kpi,
            grouping: None,
            as_of: month(AS_OF),
            metric: None,
            scenarios,
        };
        let chart = gather(conn, &spec).expect("an empty chart, not an error");
        assert!(chart.is_empty(), "{name} should have nothing to show");
        let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
        assert!(svg.contains("No data yet"), "{name}: {svg}");
        let bitmap = to_bitmap(&chart, &Canvas::default(), 1).expect("pixels");
        let (drawn, _) = plotted_pixels(&bitmap, &Theme::of(ThemeName::Light));
        assert!(drawn > 100_000, "{name}: the empty panel is drawn, not a blank image ({drawn} pixels)");
    }
}

/// The text drawn in a plotters SVG, which writes each `<text>`'s content on a line of its own.
fn svg_texts(svg: &str) -> Vec<&str> {
    svg.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('<')).collect()
}

#[test]
fn a_metric_never_synced_says_no_data_yet_and_how_to_sync() {
    let db = empty_store();
    let conn = db.store.conn();
    conn.execute("INSERT INTO models (name, stage, risk_tier) VALUES ('ranker', 'production', 'low')", [])
        .expect("a model");
    conn.execute("INSERT INTO metric_series (model_id, key, unit, query) VALUES (1, 'latency_p95_ms', 'ms', 'up')", [])
        .expect("a binding");
    let spec = ChartSpec {
        name: ChartName::ModelMetric,
        scope: Scope::portfolio(),
        kpi: None,
        grouping: None,
        as_of: month(AS_OF),
        metric: Some(latency_window(&db.store, "ranker", 36)),
        scenarios: None,
    };
    let chart = gather(conn, &spec).expect("an empty chart, not an error");
    assert!(chart.is_empty());
    assert_eq!(chart.words.subtitle, "Nothing synced yet.");
    let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
    assert!(svg.contains("No data yet") && svg.contains("mlops-portfolio sync"), "{svg}");
    let (drawn, _) =
        plotted_pixels(&to_bitmap(&chart, &Canvas::default(), 1).expect("pixels"), &Theme::of(ThemeName::Light));
    assert!(drawn > 100_000, "the empty panel is drawn ({drawn} pixels)");
}

/// The demo's latency over 36 hours: hourly rollups, a 3-hour gap that stays a gap, one +Inf
/// point marked at the edge and kept out of the scale, and the headline judged by the readout.
#[test]
fn the_metric_chart_leaves_gaps_open_and_infinities_off_the_scale() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let chart = demo_chart(&db.store, ChartName::ModelMetric);
    let Body::ModelMetric(trend) = &chart.body else { unreachable!() };
    assert_eq!(trend.grain, crate::domain::RollupGrain::Hour, "36 hours are drawn by the hour");
    assert_eq!(trend.missing_buckets(), 3, "20 to 17 hours before now have no points");
    assert_eq!(trend.infinities.iter().map(|i| i.positive).sum::<i64>(), 1);
    assert_eq!(chart.words.title, "fraud-txn-scorer: latency_p95_ms");
    assert_eq!(chart.words.subtitle, "Now 212 ms, breaching its threshold ≤ 200 ms · data 4 min old");
    assert!(chart.words.description.contains("3 hours of the window have no data"), "{}", chart.words.description);
    let footnote = chart.words.footnote.as_deref().unwrap_or_default();
    assert!(footnote.contains("1 point was +Inf"), "{footnote}");

    let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
    let accent = format!(
        "#{:02X}{:02X}{:02X}",
        Theme::of(ThemeName::Light).accent.0,
        Theme::of(ThemeName::Light).accent.1,
        Theme::of(ThemeName::Light).accent.2
    );
    let mean_lines =
        svg.lines().filter(|l| l.starts_with("<polyline") && l.contains(&format!("stroke=\"{accent}\""))).count();
    assert_eq!(mean_lines, 3, "the legend's line and one line on each side of the gap, none across it");
    let texts = svg_texts(&svg);
    assert!(!texts.iter().any(|t| t.contains("inf") || t.contains("NaN")), "no label is infinite: {texts:?}");
    assert!(texts.contains(&"300 ms") && !texts.contains(&"350 ms"), "the scale stops above the finite values");
}

#[test]
fn a_month_of_metric_is_drawn_by_the_day() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let window = latency_window(&db.store, "fraud-txn-scorer", 30 * 24);
    let trend =
        series::metric_trend(db.store.conn(), window.model, &window.key, window.since, window.now).expect("the trend");
    assert_eq!(trend.grain, crate::domain::RollupGrain::Day);
    assert_eq!(trend.readout.rollups.len(), 31, "30 days reach into a 31st calendar day");
    assert_eq!(trend.missing_buckets(), 0);
    let chart = Chart::from(trend);
    assert!(chart.words.description.starts_with("Daily mean of latency_p95_ms (ms)"), "{}", chart.words.description);
    let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
    let texts = svg_texts(&svg);
    assert!(texts.contains(&"1 Nov") && !texts.contains(&"12:00"), "labelled in days, not hours: {texts:?}");
    insta::assert_snapshot!("model-metric-30d", svg);
}

/// Names that try to close the SVG or run a script: plotters escapes drawn text and the title and
/// description are escaped when added, so each stays text.
#[test]
fn names_with_markup_stay_text_in_the_svg() {
    let mut db = empty_store();
    let hostile = "<script>alert('x')</script> & </svg>";
    let conn = db.store.conn();
    conn.execute(
        "INSERT INTO initiatives (name, status, priority, start) VALUES (?1, 'active', 1, '2026-01')",
        [hostile],
    )
    .expect("an initiative");
    conn.execute("INSERT INTO vendors (name, category) VALUES ('</svg><script>v()</script>', 'saas')", [])
        .expect("a vendor");
    conn.execute(
        "INSERT INTO actuals (initiative_id, month, category, amount_minor, amount_currency, source, vendor_id)
         VALUES (1, '2026-03', 'vendor', 1500000, 'USD', 'manual', 1)",
        [],
    )
    .expect("an actual");
    conn.execute(
        "INSERT INTO budget_lines (initiative_id, month, category, amount_minor, amount_currency)
         VALUES (1, '2026-03', 'vendor', 2000000, 'USD')",
        [],
    )
    .expect("a budget line");
    let _ = &mut db;
    let scope = Scope::initiative(db.store.conn(), crate::domain::InitiativeId(1)).expect("the scope");
    for name in [ChartName::BudgetBurn, ChartName::Spend, ChartName::Vendors] {
        let spec = ChartSpec {
            name,
            scope: scope.clone(),
            kpi: None,
            grouping: Some(SpendGrouping::Initiative),
            as_of: month("2026-04"),
            metric: None,
            scenarios: None,
        };
        let chart = gather(db.store.conn(), &spec).expect("the chart");
        let svg = to_svg(&chart, &Canvas::default()).expect("an SVG");
        assert!(!svg.contains("<script"), "{name}: a name opened a script element:\n{svg}");
        assert_eq!(svg.matches("</svg>").count(), 1, "{name}: only the document's own </svg>");
        assert!(svg.contains("&lt;script&gt;"), "{name}: the name is shown as text");
        let desc = &svg[svg.find("<desc").expect("a desc")..];
        assert!(!desc[..desc.find("</desc>").expect("closed")].contains('<') || desc.starts_with("<desc"), "{name}");
    }
}

/// A model and a unit that try to break out of the SVG, through the `chart` command the app calls.
#[test]
fn model_metric_names_stay_text_and_missing_arguments_are_named() {
    let mut db = empty_store();
    let hostile = "</svg><script>alert('m')</script>";
    db.store
        .conn()
        .execute("INSERT INTO models (name, stage, risk_tier) VALUES (?1, 'production', 'low')", [hostile])
        .expect("a model");
    add_latency_series(&mut db.store, hostile);
    db.store.conn().execute("UPDATE metric_series SET unit = '<b>ms&'", []).expect("a hostile unit");
    let store = &mut db.store;
    let ask = |extra: serde_json::Value| {
        let mut request = serde_json::json!({"name": "model-metric", "width": 800, "height": 450});
        request.as_object_mut().expect("an object").extend(extra.as_object().expect("an object").clone());
        request
    };
    let answer = crate::api::commands::dispatch(
        store,
        "chart",
        ask(serde_json::json!({"model": "1", "metric": "latency_p95_ms", "since": "2026-10-01"})),
    )
    .expect("the chart command");
    let svg = answer["svg"].as_str().expect("an SVG");
    assert!(!svg.contains("<script"), "a name opened a script element:\n{svg}");
    assert_eq!(svg.matches("</svg>").count(), 1, "only the document's own </svg>");
    assert!(svg.contains("&lt;/svg&gt;&lt;script&gt;"), "the model's name is shown as text");
    assert!(!svg.contains("<b>"), "the unit is shown as text");
    assert_eq!(answer["title"], format!("{hostile}: latency_p95_ms"));

    let err = crate::api::commands::dispatch(store, "chart", ask(serde_json::json!({}))).unwrap_err();
    assert!(err.to_string().contains("--model NAME and --metric KEY"), "{err}");
    let err = crate::api::commands::dispatch(store, "chart", ask(serde_json::json!({"model": "1"}))).unwrap_err();
    assert!(err.to_string().contains("its metrics are: latency_p95_ms"), "{err}");
    let err = crate::api::commands::dispatch(store, "chart", ask(serde_json::json!({"model": "1", "metric": "drift"})))
        .unwrap_err();
    assert_eq!(err.code(), crate::ErrorCode::NotFound, "{err}");
    let bad_window = serde_json::json!({"model": "1", "metric": "latency_p95_ms", "since": "last week"});
    let err = crate::api::commands::dispatch(store, "chart", ask(bad_window)).unwrap_err();
    assert!(err.to_string().contains("write 90m, 36h, 7d"), "{err}");
}

#[test]
fn escaping_covers_every_markup_character() {
    assert_eq!(escape_xml(r#"<a href="x">'&'</a>"#), "&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;");
    assert_eq!(escape_xml("bell\u{7}tab\t"), "belltab\t", "control characters are not allowed in XML");
    let labelled = label_svg("<svg width=\"1\">\n<rect/>\n</svg>\n", "A <b>", "D & E").expect("labelled");
    assert!(labelled.contains(">A &lt;b&gt;</title>"), "{labelled}");
    assert!(labelled.contains(">D &amp; E</desc>"), "{labelled}");
    assert!(labelled.starts_with("<svg width=\"1\" role=\"img\""), "{labelled}");
}

/// The planning core's inputs as of `as_of`.
fn inputs(conn: &rusqlite::Connection, as_of: &str) -> crate::plan::PlanInputs {
    crate::plan::PlanInputs::load(conn, month(as_of), crate::plan::period::today()).expect("the inputs load")
}

#[test]
fn spend_series_add_up_to_the_actuals_and_fold_beyond_the_top() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let conn = db.store.conn();
    let spend = series::monthly_spend(&inputs(conn, AS_OF), &Scope::portfolio(), SpendGrouping::Initiative, 3);
    let (first, last) = (spend.months[0], *spend.months.last().expect("months"));
    let stored: i64 = conn
        .query_row(
            "SELECT sum(amount_minor) FROM actuals WHERE month BETWEEN ?1 AND ?2",
            [first.to_string(), last.to_string()],
            |r| r.get(0),
        )
        .expect("a sum");
    assert_eq!(spend.month_totals_minor().iter().sum::<i64>(), stored, "every dollar is in one series");
    assert_eq!(spend.series.len(), 4, "three named and Other");
    assert!(spend.series[3].is_other && spend.series[3].name.contains(&spend.folded.to_string()));
    assert!(spend.series[0].total_minor() >= spend.series[1].total_minor(), "largest first");
}

#[test]
fn cost_per_model_places_every_dollar_of_the_window_once() {
    let db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let conn = db.store.conn();
    let costs = series::cost_per_model(&inputs(conn, AS_OF), &Scope::portfolio(), 100);
    let (first, last) = (costs.first.expect("a window"), costs.last.expect("a window"));
    let stored: i64 = conn
        .query_row(
            "SELECT sum(amount_minor) FROM actuals WHERE month BETWEEN ?1 AND ?2",
            [first.to_string(), last.to_string()],
            |r| r.get(0),
        )
        .expect("a sum");
    let shared: i64 = costs.models.iter().map(|m| m.total_minor()).sum();
    assert_eq!(shared + costs.unattributed_minor, stored, "the split loses and invents nothing");
    assert_eq!(costs.folded, 0, "a top of 100 folds nothing");
}

#[test]
fn the_chart_command_answers_svg_with_its_words() {
    let mut db = demo().lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    let store = &mut db.store;
    let answer = crate::api::commands::dispatch(
        store,
        "chart",
        serde_json::json!({"name": "budget-burn", "initiative": "Fraud detection", "theme": "dark", "width": 800, "height": 450, "as_of": AS_OF}),
    )
    .expect("the chart command");
    assert!(answer["svg"].as_str().is_some_and(|svg| svg.starts_with("<svg width=\"800\" height=\"450\"")), "{answer}");
    assert_eq!(answer["title"], "Fraud detection: budget vs actual, 2026");
    assert!(answer["description"].as_str().is_some_and(|d| d.contains("Fraud detection")));
    let err = crate::api::commands::dispatch(store, "chart", serde_json::json!({"name": "pie"})).unwrap_err();
    assert!(err.to_string().contains("budget-burn"), "lists the charts: {err}");
    let err = crate::api::commands::dispatch(store, "chart", serde_json::json!({"name": "kpi"})).unwrap_err();
    assert!(err.to_string().contains("Fraud model precision"), "lists the KPIs: {err}");
}

/// Beyond 40 people the heatmap shows the overbooked and the most split first, and says so.
#[test]
fn a_large_team_is_capped_with_the_people_worth_a_look_and_a_note() {
    let db = empty_store();
    let conn = db.store.conn();
    conn.execute(
        "INSERT INTO roles (name, base_salary_minor, base_salary_currency, loaded_annual_cost_minor, loaded_annual_cost_currency)
         VALUES ('Engineer', 10000000, 'USD', 15000000, 'USD')",
        [],
    )
    .expect("a role");
    for (i, name) in ["Alpha", "Beta", "Gamma"].iter().enumerate() {
        conn.execute(
            "INSERT INTO initiatives (id, name, status, priority, start) VALUES (?1, ?2, 'active', 1, '2026-01')",
            rusqlite::params![i as i64 + 1, name],
        )
        .expect("an initiative");
    }
    let person = |name: &str, allocations: &[(i64, u32)]| {
        conn.execute("INSERT INTO people (name, role_id, start) VALUES (?1, 1, '2026-01')", [name]).expect("a person");
        let id = conn.last_insert_rowid();
        for (initiative, percent) in allocations {
            conn.execute(
                "INSERT INTO allocations (person_id, initiative_id, percent, start) VALUES (?1, ?2, ?3, '2026-01')",
                rusqlite::params![id, initiative, percent],
            )
            .expect("an allocation");
        }
    };
    for i in 0..50 {
        person(&format!("Aaron {i:02}"), &[(1, 100)]);
    }
    person("Zed Split", &[(1, 30), (2, 30), (3, 30)]);
    person("Zoe Overbooked", &[(1, 80), (2, 60)]);
    let matrix = series::allocation_matrix(&inputs(conn, "2026-03"), &Scope::portfolio());
    assert_eq!(matrix.people.len(), series::ALLOCATION_MAX_PEOPLE);
    assert_eq!(matrix.total_people, 52);
    assert!(matrix.people.contains(&"Zoe Overbooked".to_owned()), "the overbooked person is shown");
    assert!(matrix.people.contains(&"Zed Split".to_owned()), "the most split person is shown");
    let chart = Chart::from(matrix);
    let note = chart.words.footnote.clone().expect("a note on what is left out");
    assert!(note.contains("Showing 40 of 52 people"), "{note}");
    assert!(chart.words.subtitle.contains("Zoe Overbooked is booked above 100%"), "{}", chart.words.subtitle);
}
