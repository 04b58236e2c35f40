//! Charts for the app, slides and the executive report: one renderer per chart, drawn with
//! plotters into SVG (for the UI and the report) and PNG at 1× or 2× (for slides) by the same code.
//!
//! How it fits together:
//! - [`crate::analytics::series`] gathers each chart's figures from the store into a plain struct;
//!   [`gather`] picks the function for a [`ChartName`]. Nothing here reads the database.
//! - Each chart module turns its struct into [`Words`] (title, subtitle, description, footnote)
//!   and draws it with the kit in `draw.rs`, generic over the plotters backend.
//! - [`to_svg`] adds a `<title>`, `<desc>` and ARIA attributes (plotters' SVG has none);
//!   [`to_png`] rasterises with the embedded Inter font.
//!
//! Too little data is not an error: the chart keeps its title and says "No data yet — …" with
//! what to add. The scenario-compare chart reads the scenarios named in its spec and evaluates
//! them with the planning core ([`scenario_chart`]). To add a chart: a series function in analytics, a module here with `words` and
//! `draw`, a [`ChartName`] word and a [`Body`] variant.

mod accessible;
mod allocation;
mod budget_burn;
mod cost_per_model;
mod draw;
pub mod format;
mod headcount;
mod kpi;
mod model_metric;
mod models;
mod raster;
mod scenario_compare;
mod spend;
mod theme;
mod vendors;

use std::sync::{Arc, OnceLock};

use plotters::prelude::*;
use rusqlite::Connection;

pub use accessible::{escape_xml, label_svg};
pub use draw::Words;
pub use theme::{Theme, ThemeName};

use crate::analytics::series::{
    self, AllocationMatrix, BudgetBurn, CostPerModel, Headcount, KpiTrend, MetricTrend, ModelInventory, MonthlySpend,
    ScenarioChartView, ScenarioComparison, Scope, SpendGrouping, VendorTimeline,
};
use crate::domain::{KpiId, ModelId, Month, word_enum};
use crate::error::{Error, Result};
use crate::plan::{Plan, PlanInputs, PlanOptions};
use draw::{Ctx, frame, no_data};

word_enum!(
    /// The charts there are, by the name the CLI and the API use.
    ChartName, "chart" {
    BudgetBurn => "budget-burn",
    Spend => "spend",
    Headcount => "headcount",
    Allocation => "allocation",
    Kpi => "kpi",
    Models => "models",
    CostPerModel => "cost-per-model",
    Vendors => "vendors",
    ModelMetric => "model-metric",
    ScenarioCompare => "scenario-compare",
});

impl ChartName {
    /// One line on what the chart shows, for `chart --list` and menus.
    pub fn summary(self) -> &'static str {
        match self {
            ChartName::BudgetBurn => "budget vs actual this year, cumulative, with the forecast and run-out month",
            ChartName::Spend => "monthly spend stacked by initiative (top 7 + Other) or by category",
            ChartName::Headcount => "people in seat, open requisitions and their monthly loaded cost",
            ChartName::Allocation => "who works on what this month: people × initiatives, overbooking marked",
            ChartName::Kpi => "one KPI's daily values against its target band (needs --kpi)",
            ChartName::Models => "the model inventory by lifecycle stage and risk tier",
            ChartName::CostPerModel => "the fully loaded cost of each model over the last 12 months",
            ChartName::Vendors => "spend per vendor and each contract's term, notice deadline and renewal",
            ChartName::ModelMetric => {
                "one model's bound metric over a window against its threshold (needs --model and --metric)"
            }
            ChartName::ScenarioCompare => {
                "the baseline beside 1-4 scenarios: cumulative spend vs budget, people cost and headcount, or \
                 what each change adds (needs --scenarios; --view spend|team|changes)"
            }
        }
    }
}

/// The default size: a 16:9 slide at 1×.
pub const DEFAULT_WIDTH: u32 = 1600;
pub const DEFAULT_HEIGHT: u32 = 900;
const MIN_SIDE: u32 = 320;
const MAX_SIDE: u32 = 4000;
const MAX_SCALE: u32 = 4;

/// What to draw a chart for.
#[derive(Debug, Clone, PartialEq)]
pub struct ChartSpec {
    pub name: ChartName,
    pub scope: Scope,
    /// The KPI of a `kpi` chart.
    pub kpi: Option<KpiId>,
    /// How `spend` is split; by initiative for the portfolio, by category for one initiative.
    pub grouping: Option<SpendGrouping>,
    /// The month counted as now.
    pub as_of: Month,
    /// The model, metric and window of a `model-metric` chart.
    pub metric: Option<MetricWindow>,
    /// The scenarios, view and period of a `scenario-compare` chart.
    pub scenarios: Option<ScenarioChoice>,
}

/// What a `scenario-compare` chart draws: one to four scenarios beside the baseline.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScenarioChoice {
    pub names: Vec<String>,
    pub view: ScenarioChartView,
    pub period: crate::plan::PeriodChoice,
}

/// One bound metric of one model over a window, for the `model-metric` chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MetricWindow {
    pub model: ModelId,
    pub key: String,
    /// The window, seconds since the epoch.
    pub since: i64,
    pub now: i64,
}

/// A chart's figures and words, ready to draw at any size, theme and format.
#[derive(Debug, Clone, PartialEq)]
pub struct Chart {
    pub name: ChartName,
    pub words: Words,
    body: Body,
}

#[derive(Debug, Clone, PartialEq)]
enum Body {
    BudgetBurn(BudgetBurn),
    Spend(MonthlySpend),
    Headcount(Headcount),
    Allocation(AllocationMatrix),
    Kpi(KpiTrend),
    Models(ModelInventory),
    CostPerModel(CostPerModel),
    Vendors(VendorTimeline),
    ModelMetric(Box<MetricTrend>),
    ScenarioCompare(ScenarioComparison),
}

impl Chart {
    pub fn title(&self) -> &str {
        &self.words.title
    }

    pub fn description(&self) -> &str {
        &self.words.description
    }

    /// Whether the chart shows the "No data yet" panel.
    pub fn is_empty(&self) -> bool {
        match &self.body {
            Body::BudgetBurn(d) => d.is_empty(),
            Body::Spend(d) => d.is_empty(),
            Body::Headcount(d) => d.is_empty(),
            Body::Allocation(d) => d.is_empty(),
            Body::Kpi(d) => d.is_empty(),
            Body::Models(d) => d.is_empty(),
            Body::CostPerModel(d) => d.is_empty(),
            Body::Vendors(d) => d.is_empty(),
            Body::ModelMetric(d) => d.is_empty(),
            Body::ScenarioCompare(d) => d.is_empty(),
        }
    }
}

impl From<BudgetBurn> for Chart {
    fn from(data: BudgetBurn) -> Chart {
        Chart { name: ChartName::BudgetBurn, words: budget_burn::words(&data), body: Body::BudgetBurn(data) }
    }
}

impl From<MonthlySpend> for Chart {
    fn from(data: MonthlySpend) -> Chart {
        Chart { name: ChartName::Spend, words: spend::words(&data), body: Body::Spend(data) }
    }
}

impl From<Headcount> for Chart {
    fn from(data: Headcount) -> Chart {
        Chart { name: ChartName::Headcount, words: headcount::words(&data), body: Body::Headcount(data) }
    }
}

impl From<AllocationMatrix> for Chart {
    fn from(data: AllocationMatrix) -> Chart {
        Chart { name: ChartName::Allocation, words: allocation::words(&data), body: Body::Allocation(data) }
    }
}

impl From<KpiTrend> for Chart {
    fn from(data: KpiTrend) -> Chart {
        Chart { name: ChartName::Kpi, words: kpi::words(&data), body: Body::Kpi(data) }
    }
}

impl From<ModelInventory> for Chart {
    fn from(data: ModelInventory) -> Chart {
        Chart { name: ChartName::Models, words: models::words(&data), body: Body::Models(data) }
    }
}

impl From<CostPerModel> for Chart {
    fn from(data: CostPerModel) -> Chart {
        Chart { name: ChartName::CostPerModel, words: cost_per_model::words(&data), body: Body::CostPerModel(data) }
    }
}

impl From<VendorTimeline> for Chart {
    fn from(data: VendorTimeline) -> Chart {
        Chart { name: ChartName::Vendors, words: vendors::words(&data), body: Body::Vendors(data) }
    }
}

impl From<MetricTrend> for Chart {
    fn from(data: MetricTrend) -> Chart {
        Chart {
            name: ChartName::ModelMetric,
            words: model_metric::words(&data),
            body: Body::ModelMetric(Box::new(data)),
        }
    }
}

impl From<ScenarioComparison> for Chart {
    fn from(data: ScenarioComparison) -> Chart {
        Chart {
            name: ChartName::ScenarioCompare,
            words: scenario_compare::words(&data),
            body: Body::ScenarioCompare(data),
        }
    }
}

/// Gathers the figures of a chart from the store: the planning core's inputs as of the chart's
/// month (and its plan, for budget burn), or the metric store for the two charts of measurements.
pub fn gather(conn: &Connection, spec: &ChartSpec) -> Result<Chart> {
    gather_from(conn, spec, || PlanInputs::load(conn, spec.as_of, crate::plan::period::today()).map(Arc::new))
}

/// [`gather`], with the planning core's inputs from `inputs` (the store's remembered ones, in
/// the app), asked for only by the charts that draw them.
pub fn gather_from(
    conn: &Connection,
    spec: &ChartSpec,
    inputs: impl FnOnce() -> Result<Arc<PlanInputs>>,
) -> Result<Chart> {
    match spec.name {
        ChartName::Kpi => {
            let kpi = spec.kpi.ok_or_else(|| {
                Error::Validation("the kpi chart needs a KPI: give --kpi NAME (`list kpi` shows them)".into())
            })?;
            Ok(series::kpi_trend(conn, &*inputs()?, kpi, spec.as_of)?.into())
        }
        ChartName::ModelMetric => {
            let window = spec.metric.as_ref().ok_or_else(|| {
                Error::Validation(
                    "the model-metric chart needs a model and a metric: give --model NAME --metric KEY \
                     (`metric list` shows the bindings)"
                        .into(),
                )
            })?;
            Ok(series::metric_trend(conn, window.model, &window.key, window.since, window.now)?.into())
        }
        ChartName::ScenarioCompare => {
            let choice = spec.scenarios.as_ref().ok_or_else(|| Error::Validation(NEEDS_SCENARIOS.into()))?;
            scenario_chart(conn, &*inputs()?, choice)
        }
        _ => gather_planned(&*inputs()?, None, spec),
    }
}

/// Why a scenario-compare chart without scenarios is refused.
pub const NEEDS_SCENARIOS: &str = "scenarios: the scenario-compare chart needs one to four scenarios: give --scenarios A,B (`scenario list` shows them)";

/// Gathers a chart of the portfolio's figures from the planning core: `inputs` as of the chart's
/// month, and `plan` computed from them when the caller has it (budget burn needs the plan and
/// computes it otherwise). The charts of measurements are refused: they come from [`gather`].
pub fn gather_planned(inputs: &PlanInputs, plan: Option<&Plan>, spec: &ChartSpec) -> Result<Chart> {
    let scope = &spec.scope;
    Ok(match spec.name {
        ChartName::BudgetBurn => match plan {
            Some(plan) => series::budget_burn_of(plan, scope).into(),
            None => series::budget_burn_of(&crate::plan::compute(inputs, &PlanOptions::default())?, scope).into(),
        },
        ChartName::Spend => {
            let grouping = spec.grouping.unwrap_or(match scope.initiative {
                Some(_) => SpendGrouping::Category,
                None => SpendGrouping::Initiative,
            });
            series::monthly_spend(inputs, scope, grouping, series::DEFAULT_TOP).into()
        }
        ChartName::Headcount => series::headcount(inputs, scope).into(),
        ChartName::Allocation => series::allocation_matrix(inputs, scope).into(),
        ChartName::Models => series::model_inventory(inputs, scope).into(),
        ChartName::CostPerModel => series::cost_per_model(inputs, scope, series::COST_PER_MODEL_TOP).into(),
        ChartName::Vendors => series::vendor_timeline(inputs, scope, series::VENDOR_TOP).into(),
        ChartName::Kpi | ChartName::ModelMetric | ChartName::ScenarioCompare => {
            return Err(Error::Internal(format!(
                "the {} chart reads the store (measurements or scenarios); gather it from the store",
                spec.name.as_str()
            )));
        }
    })
}

/// The scenario-compare chart of the scenarios named in `choice`, each resolved against the
/// portfolio as it is now, on `inputs`.
pub fn scenario_chart(conn: &Connection, inputs: &PlanInputs, choice: &ScenarioChoice) -> Result<Chart> {
    let scenarios = crate::plan::scenario::load_named(conn, &choice.names)?;
    let options = PlanOptions { period: choice.period, ..PlanOptions::default() };
    Ok(series::scenario_comparison(inputs, &options, &scenarios, choice.view)?.into())
}

/// The size and colours to draw at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Canvas {
    pub width: u32,
    pub height: u32,
    pub theme: ThemeName,
}

impl Default for Canvas {
    fn default() -> Canvas {
        Canvas { width: DEFAULT_WIDTH, height: DEFAULT_HEIGHT, theme: ThemeName::Light }
    }
}

impl Canvas {
    /// Checks the size before any drawing, naming the value that is out of range.
    pub fn validate(&self) -> Result<()> {
        for (field, value) in [("width", self.width), ("height", self.height)] {
            if !(MIN_SIDE..=MAX_SIDE).contains(&value) {
                return Err(Error::Validation(format!(
                    "{field}: {value} pixels is out of range; charts are {MIN_SIDE} to {MAX_SIDE} pixels on each side"
                )));
            }
        }
        Ok(())
    }
}

/// The chart as an SVG document with a title and description for screen readers.
pub fn to_svg(chart: &Chart, canvas: &Canvas) -> Result<String> {
    canvas.validate()?;
    register_fonts()?;
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (canvas.width, canvas.height)).into_drawing_area();
        draw_chart(chart, &root, &Theme::of(canvas.theme), 1.0).map_err(drawing_failed)?;
        root.present().map_err(drawing_failed)?;
    }
    label_svg(&svg, &chart.words.title, &chart.words.description)
}

/// Pixels of a rendered chart: RGB, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bitmap {
    pub width: u32,
    pub height: u32,
    pub rgb: Vec<u8>,
}

/// The chart as pixels at `scale` × the canvas size (the same layout, sharper).
pub fn to_bitmap(chart: &Chart, canvas: &Canvas, scale: u32) -> Result<Bitmap> {
    canvas.validate()?;
    if !(1..=MAX_SCALE).contains(&scale) {
        return Err(Error::Validation(format!(
            "scale: {scale} is out of range; use 1 (screen) or 2 (slides), at most {MAX_SCALE}"
        )));
    }
    register_fonts()?;
    let (width, height) = (canvas.width * scale, canvas.height * scale);
    let mut rgb = vec![0u8; width as usize * height as usize * 3];
    {
        let backend = raster::Typeset::new(BitMapBackend::with_buffer(&mut rgb, (width, height)))
            .ok_or_else(|| Error::Internal("the embedded Inter font could not be read".into()))?;
        let root = backend.into_drawing_area();
        draw_chart(chart, &root, &Theme::of(canvas.theme), f64::from(scale)).map_err(drawing_failed)?;
        root.present().map_err(drawing_failed)?;
    }
    Ok(Bitmap { width, height, rgb })
}

/// The chart as a PNG file's bytes.
pub fn to_png(chart: &Chart, canvas: &Canvas, scale: u32) -> Result<Vec<u8>> {
    use image::ImageEncoder;
    let bitmap = to_bitmap(chart, canvas, scale)?;
    let mut png = Vec::new();
    image::codecs::png::PngEncoder::new(&mut png)
        .write_image(&bitmap.rgb, bitmap.width, bitmap.height, image::ColorType::Rgb8)
        .map_err(|e| Error::Internal(format!("encoding the chart as PNG failed: {e}")))?;
    Ok(png)
}

/// The file formats a chart is written in. The file's extension chooses, so the CLI's `--out`
/// and the app's save dialog agree on what `burn.png` means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartFormat {
    /// For the web and the report: sharp at any size.
    Svg,
    /// For slides: pixels at 1× or 2×.
    Png,
}

impl ChartFormat {
    /// The format named by `path`'s extension (either case), or an error that says which to use.
    pub fn of_path(path: &std::path::Path) -> Result<ChartFormat> {
        match path.extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase).as_deref() {
            Some("svg") => Ok(ChartFormat::Svg),
            Some("png") => Ok(ChartFormat::Png),
            _ => Err(Error::Validation(format!(
                "{}: a chart is written as .svg (for the web) or .png (for slides); end the file name with one of them",
                path.display()
            ))),
        }
    }
}

/// The chart as the bytes of a file in `format`; `scale` (pixels per point) applies to PNG only.
pub fn encode(chart: &Chart, canvas: &Canvas, format: ChartFormat, scale: u32) -> Result<Vec<u8>> {
    match format {
        ChartFormat::Svg if scale != 1 => Err(Error::Validation(format!(
            "scale: {scale} applies to PNG files only; an SVG draws sharp at any size, so leave the scale at 1"
        ))),
        ChartFormat::Svg => Ok(to_svg(chart, canvas)?.into_bytes()),
        ChartFormat::Png => to_png(chart, canvas, scale),
    }
}

fn draw_chart<DB: DrawingBackend>(
    chart: &Chart,
    root: &draw::Area<DB>,
    theme: &Theme,
    scale: f64,
) -> draw::Drawn<(), DB> {
    let ctx = Ctx { area: root, theme, scale };
    let rect = frame(&ctx, &chart.words)?;
    if chart.is_empty() {
        return no_data(&ctx, rect, &empty_hint(&chart.body));
    }
    match &chart.body {
        Body::BudgetBurn(d) => budget_burn::draw(&ctx, rect, d),
        Body::Spend(d) => spend::draw(&ctx, rect, d),
        Body::Headcount(d) => headcount::draw(&ctx, rect, d),
        Body::Allocation(d) => allocation::draw(&ctx, rect, d),
        Body::Kpi(d) => kpi::draw(&ctx, rect, d),
        Body::Models(d) => models::draw(&ctx, rect, d),
        Body::CostPerModel(d) => cost_per_model::draw(&ctx, rect, d),
        Body::Vendors(d) => vendors::draw(&ctx, rect, d),
        Body::ModelMetric(d) => model_metric::draw(&ctx, rect, d),
        Body::ScenarioCompare(d) => scenario_compare::draw(&ctx, rect, d),
    }
}

/// What to add so an empty chart has something to show.
fn empty_hint(body: &Body) -> String {
    match body {
        Body::BudgetBurn(_) => "add budget lines for this year or import actuals (`import budgets`, `import actuals`).",
        Body::Spend(_) => "import actuals or a FOCUS billing export (`import actuals FILE`, `import focus FILE`).",
        Body::Headcount(_) => "add people (with their roles) or open requisitions.",
        Body::Allocation(_) => "allocate people to initiatives for this month (`add allocation ...`).",
        Body::Kpi(_) => {
            "this KPI has no values in the last 12 months; record one (`kpi record`), import a file of them \
             (`import kpi-values`), or bind it to a model's metric and sync."
        }
        Body::Models(_) => "add models to the inventory (`add model ...`).",
        Body::CostPerModel(_) => "import actuals for initiatives that have live models.",
        Body::Vendors(_) => "add vendors with contracts, or actuals that name a vendor.",
        Body::ModelMetric(d) => return model_metric::empty_hint(d),
        Body::ScenarioCompare(d) if d.view == ScenarioChartView::Changes => {
            "the scenario has no changes yet; add some (`scenario add NAME KIND key=value…`)."
        }
        Body::ScenarioCompare(_) => "add budget lines or import actuals for this period, or people to the team.",
    }
    .to_owned()
}

fn drawing_failed(err: impl std::fmt::Display) -> Error {
    Error::Internal(format!("drawing the chart failed: {err}"))
}

/// Inter (SIL Open Font License, assets/fonts/LICENSE-Inter.txt), embedded so charts look the same
/// on every machine and need no system fonts.
const REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
const SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");

/// Registers the embedded Inter font with plotters, once per process.
fn register_fonts() -> Result<()> {
    static REGISTERED: OnceLock<bool> = OnceLock::new();
    let registered = *REGISTERED.get_or_init(|| {
        plotters::style::register_font(draw::FONT, FontStyle::Normal, REGULAR).is_ok()
            && plotters::style::register_font(draw::FONT, FontStyle::Bold, SEMIBOLD).is_ok()
    });
    if registered { Ok(()) } else { Err(Error::Internal("the embedded Inter font could not be read".into())) }
}

#[cfg(test)]
mod tests;
