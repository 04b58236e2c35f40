//! What plotters' SVG lacks for screen readers: a `<title>` and `<desc>`, `role="img"` and
//! `aria-labelledby` on the root element.
//!
//! Plotters escapes the text it draws (`<` becomes `&lt;`), so names a person typed cannot open a
//! tag; the title and description added here are escaped the same way. Their ids carry a hash of
//! the chart's words, so several charts on one page (the HTML report) do not share an id, and the
//! same chart always gets the same ids (stable snapshots).

use crate::error::{Error, Result};

/// Escapes text for XML content and attribute values.
pub fn escape_xml(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '&' => out.push_str("&amp;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // Control characters other than tab and newlines are not allowed in XML 1.0.
            c if c.is_control() && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

/// Adds the title, description and ARIA attributes to the root `<svg>` element of `svg`.
pub fn label_svg(svg: &str, title: &str, description: &str) -> Result<String> {
    let start = svg.find("<svg").ok_or_else(|| Error::Internal("the chart's SVG has no <svg> element".into()))?;
    let end = svg[start..]
        .find('>')
        .map(|i| start + i)
        .ok_or_else(|| Error::Internal("the chart's SVG has an unclosed <svg> element".into()))?;
    let id = format!("chart-{:08x}", xxhash_rust::xxh3::xxh3_64(format!("{title}\n{description}").as_bytes()) as u32);
    let mut out = String::with_capacity(svg.len() + title.len() + description.len() + 200);
    out.push_str(&svg[..end]);
    out.push_str(&format!(r#" role="img" aria-labelledby="{id}-title {id}-desc""#));
    out.push_str(">\n");
    out.push_str(&format!(r#"<title id="{id}-title">{}</title>"#, escape_xml(title)));
    out.push('\n');
    out.push_str(&format!(r#"<desc id="{id}-desc">{}</desc>"#, escape_xml(description)));
    out.push('\n');
    out.push_str(svg[end + 1..].trim_start_matches('\n'));
    Ok(out)
}
