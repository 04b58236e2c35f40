//! Colours of the light, dark and print themes.
//!
//! The categorical palette is Okabe and Ito's, which stays distinguishable with the common kinds
//! of colour blindness; "Other" is always a neutral grey so it never reads as a category. Light
//! and dark follow the app's own colours (ui/src/app.css), so a chart sits in a page without a
//! seam; print is black on white with no tinted backgrounds.

use plotters::style::RGBColor;

use crate::domain::word_enum;

word_enum!(
    /// Which set of colours a chart is drawn in.
    ThemeName, "theme" {
    Light => "light",
    Dark => "dark",
    Print => "print",
});

#[derive(Debug, Clone)]
pub struct Theme {
    pub name: ThemeName,
    pub background: RGBColor,
    pub text: RGBColor,
    /// Axis labels, subtitles and notes.
    pub muted: RGBColor,
    pub grid: RGBColor,
    pub axis: RGBColor,
    /// Series in order; "Other" uses [`Theme::other`].
    pub palette: [RGBColor; 7],
    pub other: RGBColor,
    /// The main series (actual spend, people in seat).
    pub accent: RGBColor,
    /// The plan a series is measured against (budget, target band).
    pub reference: RGBColor,
    /// Something to act on: overspend, a run-out month, a missed target, a notice deadline.
    pub warning: RGBColor,
    pub good: RGBColor,
    /// Opacity of bands (interval, target) over the background.
    pub band_opacity: f64,
}

impl Theme {
    pub fn of(name: ThemeName) -> Theme {
        match name {
            ThemeName::Light => Theme {
                name,
                background: RGBColor(0xff, 0xff, 0xff),
                text: RGBColor(0x1b, 0x20, 0x29),
                muted: RGBColor(0x5d, 0x66, 0x75),
                grid: RGBColor(0xe4, 0xe7, 0xec),
                axis: RGBColor(0xa8, 0xb0, 0xbc),
                palette: OKABE_ITO,
                other: RGBColor(0xb4, 0xba, 0xc4),
                accent: RGBColor(0x00, 0x72, 0xb2),
                reference: RGBColor(0x5d, 0x66, 0x75),
                warning: RGBColor(0xd5, 0x5e, 0x00),
                good: RGBColor(0x00, 0x9e, 0x73),
                band_opacity: 0.18,
            },
            ThemeName::Dark => Theme {
                name,
                background: RGBColor(0x1b, 0x1f, 0x26),
                text: RGBColor(0xe3, 0xe6, 0xeb),
                muted: RGBColor(0xa0, 0xa9, 0xb6),
                grid: RGBColor(0x2f, 0x35, 0x3f),
                axis: RGBColor(0x5a, 0x63, 0x70),
                palette: [
                    RGBColor(0x56, 0xb4, 0xe9),
                    RGBColor(0xe6, 0x9f, 0x00),
                    RGBColor(0x00, 0xb8, 0x8a),
                    RGBColor(0xf0, 0x7a, 0x3a),
                    RGBColor(0xd9, 0x9b, 0xc4),
                    RGBColor(0xf0, 0xe4, 0x42),
                    RGBColor(0x3d, 0x8f, 0xd1),
                ],
                other: RGBColor(0x6b, 0x74, 0x80),
                accent: RGBColor(0x56, 0xb4, 0xe9),
                reference: RGBColor(0xa0, 0xa9, 0xb6),
                warning: RGBColor(0xf0, 0x7a, 0x3a),
                good: RGBColor(0x00, 0xb8, 0x8a),
                band_opacity: 0.25,
            },
            ThemeName::Print => Theme {
                name,
                background: RGBColor(0xff, 0xff, 0xff),
                text: RGBColor(0x00, 0x00, 0x00),
                muted: RGBColor(0x33, 0x33, 0x33),
                grid: RGBColor(0xd0, 0xd0, 0xd0),
                axis: RGBColor(0x00, 0x00, 0x00),
                palette: OKABE_ITO,
                other: RGBColor(0xa0, 0xa0, 0xa0),
                accent: RGBColor(0x00, 0x5a, 0x8c),
                reference: RGBColor(0x33, 0x33, 0x33),
                warning: RGBColor(0xb0, 0x3c, 0x00),
                good: RGBColor(0x00, 0x7a, 0x58),
                band_opacity: 0.15,
            },
        }
    }

    /// The colour of series `index`, cycling through the palette.
    pub fn series(&self, index: usize) -> RGBColor {
        self.palette[index % self.palette.len()]
    }
}

/// Okabe & Ito (2008), without black (the text colour) and with yellow last (weak on white).
const OKABE_ITO: [RGBColor; 7] = [
    RGBColor(0x00, 0x72, 0xb2),
    RGBColor(0xe6, 0x9f, 0x00),
    RGBColor(0x00, 0x9e, 0x73),
    RGBColor(0xd5, 0x5e, 0x00),
    RGBColor(0xcc, 0x79, 0xa7),
    RGBColor(0x56, 0xb4, 0xe9),
    RGBColor(0xc9, 0xb8, 0x1e),
];
