//! The executive report as one self-contained HTML file.
//!
//! Self-contained means a reviewer can open it on an offline laptop, mail it, or print it: styles,
//! the Inter font and every chart are inline, and a Content-Security-Policy forbids the page from
//! loading anything at all, so a stray reference fails closed instead of calling out. Every text
//! that came from a user (names, notes) passes through [`escape`]; charts arrive as SVG that the
//! chart renderer has already escaped and labelled.

use base64::Engine as _;

/// Everything the report shows, already formatted for reading.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportPage {
    pub title: String,
    /// The portfolio file the figures come from, shown in the header.
    pub source: String,
    /// Human-readable period and time line, e.g. `2026 to date, through Nov · generated
    /// 2026-12-03 08:03 UTC`.
    pub as_of: String,
    pub figures: Vec<Figure>,
    /// Things that need attention (overbooked people, initiatives over budget, renewals).
    pub attention: Vec<String>,
    pub charts: Vec<ReportChart>,
    pub tables: Vec<Table>,
    /// Notes on method shown at the end: forecast model, interval, rounding.
    pub notes: Vec<String>,
}

/// One headline number.
#[derive(Debug, Clone, PartialEq)]
pub struct Figure {
    pub label: String,
    pub value: String,
    pub detail: Option<String>,
    pub tone: Tone,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tone {
    Neutral,
    Good,
    Warning,
}

/// A chart rendered to SVG, with the words that also sit inside the SVG for screen readers.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportChart {
    pub title: String,
    pub description: String,
    pub svg: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Table {
    pub caption: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<String>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    pub label: String,
    /// Right-aligned with tabular figures.
    pub numeric: bool,
}

impl Column {
    pub fn text(label: &str) -> Column {
        Column { label: label.to_owned(), numeric: false }
    }

    pub fn number(label: &str) -> Column {
        Column { label: label.to_owned(), numeric: true }
    }
}

const INTER_REGULAR: &[u8] = include_bytes!("../../assets/fonts/Inter-Regular.otf");
const INTER_SEMIBOLD: &[u8] = include_bytes!("../../assets/fonts/Inter-SemiBold.otf");

/// Escapes text for HTML element content and quoted attribute values.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for ch in text.chars() {
        match ch {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(ch),
        }
    }
    out
}

/// The page as HTML.
pub fn render(page: &ReportPage) -> String {
    let mut html = String::with_capacity(64 * 1024 + page.charts.iter().map(|c| c.svg.len()).sum::<usize>());
    html.push_str("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n");
    html.push_str(
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; \
         style-src 'unsafe-inline'; font-src data:; img-src data:\">\n",
    );
    html.push_str("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n");
    html.push_str(&format!(
        "<title>{}</title>\n<style>\n{}{}</style>\n</head>\n<body>\n",
        escape(&page.title),
        font_faces(),
        STYLE
    ));

    html.push_str("<header>\n");
    html.push_str(&format!("<h1>{}</h1>\n", escape(&page.title)));
    html.push_str(&format!(
        "<p class=\"meta\">{} · {}</p>\n</header>\n<main>\n",
        escape(&page.as_of),
        escape(&page.source)
    ));

    if !page.figures.is_empty() {
        html.push_str(
            "<section aria-labelledby=\"h-figures\">\n<h2 id=\"h-figures\">At a glance</h2>\n<dl class=\"figures\">\n",
        );
        for figure in &page.figures {
            let tone = match figure.tone {
                Tone::Neutral => "",
                Tone::Good => " good",
                Tone::Warning => " warning",
            };
            html.push_str(&format!(
                "<div class=\"figure{tone}\"><dt>{}</dt><dd>{}</dd>",
                escape(&figure.label),
                escape(&figure.value)
            ));
            if let Some(detail) = &figure.detail {
                html.push_str(&format!("<dd class=\"detail\">{}</dd>", escape(detail)));
            }
            html.push_str("</div>\n");
        }
        html.push_str("</dl>\n</section>\n");
    }

    if !page.attention.is_empty() {
        html.push_str("<section aria-labelledby=\"h-attention\">\n<h2 id=\"h-attention\">Needs attention</h2>\n<ul class=\"attention\">\n");
        for item in &page.attention {
            html.push_str(&format!("<li>{}</li>\n", escape(item)));
        }
        html.push_str("</ul>\n</section>\n");
    }

    for chart in &page.charts {
        html.push_str(&format!(
            "<figure class=\"chart\">\n{}\n<figcaption>{}</figcaption>\n</figure>\n",
            inline_svg(&chart.svg),
            escape(&chart.description)
        ));
    }

    for table in &page.tables {
        html.push_str(&render_table(table));
    }

    if !page.notes.is_empty() {
        html.push_str("<section aria-labelledby=\"h-notes\" class=\"notes\">\n<h2 id=\"h-notes\">Notes</h2>\n<ul>\n");
        for note in &page.notes {
            html.push_str(&format!("<li>{}</li>\n", escape(note)));
        }
        html.push_str("</ul>\n</section>\n");
    }
    html.push_str("</main>\n</body>\n</html>\n");
    html
}

fn render_table(table: &Table) -> String {
    let mut html = String::from("<section class=\"table\">\n<table>\n");
    html.push_str(&format!("<caption>{}</caption>\n<thead><tr>", escape(&table.caption)));
    for column in &table.columns {
        let class = if column.numeric { " class=\"num\"" } else { "" };
        html.push_str(&format!("<th scope=\"col\"{class}>{}</th>", escape(&column.label)));
    }
    html.push_str("</tr></thead>\n<tbody>\n");
    for row in &table.rows {
        html.push_str("<tr>");
        for (i, cell) in row.iter().enumerate() {
            let numeric = table.columns.get(i).is_some_and(|c| c.numeric);
            if i == 0 {
                html.push_str(&format!("<th scope=\"row\">{}</th>", escape(cell)));
            } else if numeric {
                html.push_str(&format!("<td class=\"num\">{}</td>", escape(cell)));
            } else {
                html.push_str(&format!("<td>{}</td>", escape(cell)));
            }
        }
        html.push_str("</tr>\n");
    }
    html.push_str("</tbody>\n</table>\n</section>\n");
    html
}

/// The chart's `<svg>` element without the XML declaration a standalone file carries.
fn inline_svg(svg: &str) -> &str {
    svg.find("<svg").map_or(svg, |start| &svg[start..])
}

fn font_faces() -> String {
    let engine = base64::engine::general_purpose::STANDARD;
    format!(
        "@font-face {{ font-family: 'Inter'; font-weight: 400; src: url(data:font/otf;base64,{}) format('opentype'); }}\n\
         @font-face {{ font-family: 'Inter'; font-weight: 600; src: url(data:font/otf;base64,{}) format('opentype'); }}\n",
        engine.encode(INTER_REGULAR),
        engine.encode(INTER_SEMIBOLD)
    )
}

const STYLE: &str = r#"
:root { color-scheme: light; --ink: #1b1f24; --muted: #5b6470; --line: #d8dde3; --panel: #f5f7f9;
  --good: #1a7f37; --warning: #b42318; }
* { box-sizing: border-box; }
body { margin: 0; font-family: 'Inter', system-ui, sans-serif; color: var(--ink); background: #fff;
  font-feature-settings: 'tnum' 1; }
header, main { max-width: 1200px; margin: 0 auto; padding: 0 32px; }
header { padding-top: 32px; border-bottom: 1px solid var(--line); }
h1 { font-size: 28px; font-weight: 600; margin: 0 0 4px; }
h2 { font-size: 18px; font-weight: 600; margin: 32px 0 12px; }
.meta { color: var(--muted); margin: 0 0 20px; }
.figures { display: grid; grid-template-columns: repeat(auto-fill, minmax(220px, 1fr)); gap: 12px; margin: 0; }
.figure { background: var(--panel); border-radius: 8px; padding: 14px 16px; border-left: 4px solid var(--line); }
.figure.good { border-left-color: var(--good); }
.figure.warning { border-left-color: var(--warning); }
.figure dt { color: var(--muted); font-size: 13px; }
.figure dd { margin: 4px 0 0; font-size: 22px; font-weight: 600; }
.figure dd.detail { font-size: 13px; font-weight: 400; color: var(--muted); }
.attention li { margin: 4px 0; }
figure.chart { margin: 32px 0; break-inside: avoid; }
figure.chart svg { width: 100%; height: auto; display: block; border: 1px solid var(--line); border-radius: 8px; }
figure.chart svg text { font-family: 'Inter', sans-serif; }
figcaption { color: var(--muted); font-size: 13px; margin-top: 6px; }
section.table { margin: 32px 0; break-inside: avoid; overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 14px; }
caption { text-align: left; font-weight: 600; font-size: 18px; padding-bottom: 10px; }
td { white-space: nowrap; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; vertical-align: top; }
thead th { color: var(--muted); font-weight: 600; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; }
tbody th { font-weight: 500; }
.num { text-align: right; white-space: nowrap; }
.notes { color: var(--muted); font-size: 13px; margin-bottom: 48px; }
@media print { header, main { max-width: none; padding: 0; } figure.chart, section.table { break-inside: avoid; } }
"#;

#[cfg(test)]
mod tests {
    use super::*;

    fn page() -> ReportPage {
        ReportPage {
            title: "ML portfolio".into(),
            source: "/tmp/p.db".into(),
            as_of: "November 2026".into(),
            figures: vec![Figure {
                label: "Budget".into(),
                value: "$1.2M".into(),
                detail: Some("to date".into()),
                tone: Tone::Good,
            }],
            attention: vec!["<script>alert(1)</script> is overbooked".into()],
            charts: vec![ReportChart {
                title: "Spend".into(),
                description: "Monthly spend".into(),
                svg: "<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/2000/svg\"><title>t</title></svg>".into(),
            }],
            tables: vec![Table {
                caption: "Initiatives".into(),
                columns: vec![Column::text("Name"), Column::number("Budget")],
                rows: vec![vec!["</svg><b>x</b>".into(), "1,000".into()]],
            }],
            notes: vec!["Forecasts: AutoETS".into()],
        }
    }

    #[test]
    fn user_text_is_escaped_everywhere() {
        let html = render(&page());
        assert!(!html.contains("<script>"), "{html}");
        assert!(html.contains("&lt;script&gt;alert(1)&lt;/script&gt; is overbooked"));
        assert!(html.contains("&lt;/svg&gt;&lt;b&gt;x&lt;/b&gt;"));
        assert!(!html.contains("<b>x</b>"));
    }

    #[test]
    fn charts_are_inlined_without_their_xml_declaration() {
        let html = render(&page());
        assert!(!html.contains("<?xml"));
        assert!(html.contains("<figure class=\"chart\">\n<svg xmlns="));
    }

    #[test]
    fn the_page_refers_to_nothing_outside_itself() {
        let html = render(&page());
        assert!(html.contains("default-src 'none'"));
        for reference in ["http://", "https://", "src=\"", "href="] {
            let outside: Vec<_> = html
                .match_indices(reference)
                .filter(|(i, _)| !html[*i..].starts_with("http://www.w3.org/2000/svg"))
                .collect();
            assert!(outside.is_empty(), "{reference} found in the report");
        }
        assert!(html.contains("data:font/otf;base64,"));
    }

    #[test]
    fn numeric_columns_align_right_and_first_cells_head_their_rows() {
        let html = render(&page());
        assert!(html.contains("<th scope=\"col\" class=\"num\">Budget</th>"));
        assert!(html.contains("<td class=\"num\">1,000</td>"));
        assert!(html.contains("<th scope=\"row\">"));
    }
}
