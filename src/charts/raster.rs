//! The PNG backend: plotters' bitmap backend with text set from the font's own metrics.
//!
//! Plotters' ab_glyph text drops each glyph's left side bearing, so letters sit unevenly
//! ("Actua l"). This wrapper passes every shape to [`BitMapBackend`] and draws text itself with
//! ab_glyph: advance widths, kerning and bearings, anti-aliased coverage blended into the pixels.
//! Widths are measured the way plotters measures them (advances and kerning at the same scale),
//! so layout computed through the drawing area matches what is drawn.

use ab_glyph::{Font, FontRef, PxScale, ScaleFont};
use plotters::prelude::*;
use plotters_backend::text_anchor::{HPos, VPos};
use plotters_backend::{
    BackendColor, BackendCoord, BackendStyle, BackendTextStyle, DrawingErrorKind, FontStyle, FontTransform,
};

use super::{REGULAR, SEMIBOLD};

pub struct Typeset<'a> {
    inner: BitMapBackend<'a>,
    regular: FontRef<'static>,
    semibold: FontRef<'static>,
}

impl<'a> Typeset<'a> {
    /// `None` when the embedded fonts cannot be read (checked by the caller first).
    pub fn new(inner: BitMapBackend<'a>) -> Option<Typeset<'a>> {
        Some(Typeset {
            inner,
            regular: FontRef::try_from_slice(REGULAR).ok()?,
            semibold: FontRef::try_from_slice(SEMIBOLD).ok()?,
        })
    }
}

type Failed<'a> = DrawingErrorKind<<BitMapBackend<'a> as DrawingBackend>::ErrorType>;

impl<'a> DrawingBackend for Typeset<'a> {
    type ErrorType = <BitMapBackend<'a> as DrawingBackend>::ErrorType;

    fn get_size(&self) -> (u32, u32) {
        self.inner.get_size()
    }

    fn ensure_prepared(&mut self) -> Result<(), Failed<'a>> {
        self.inner.ensure_prepared()
    }

    fn present(&mut self) -> Result<(), Failed<'a>> {
        self.inner.present()
    }

    fn draw_pixel(&mut self, point: BackendCoord, color: BackendColor) -> Result<(), Failed<'a>> {
        self.inner.draw_pixel(point, color)
    }

    fn draw_line<S: BackendStyle>(
        &mut self,
        from: BackendCoord,
        to: BackendCoord,
        style: &S,
    ) -> Result<(), Failed<'a>> {
        self.inner.draw_line(from, to, style)
    }

    fn draw_rect<S: BackendStyle>(
        &mut self,
        upper_left: BackendCoord,
        bottom_right: BackendCoord,
        style: &S,
        fill: bool,
    ) -> Result<(), Failed<'a>> {
        self.inner.draw_rect(upper_left, bottom_right, style, fill)
    }

    fn draw_path<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        path: I,
        style: &S,
    ) -> Result<(), Failed<'a>> {
        self.inner.draw_path(path, style)
    }

    fn draw_circle<S: BackendStyle>(
        &mut self,
        center: BackendCoord,
        radius: u32,
        style: &S,
        fill: bool,
    ) -> Result<(), Failed<'a>> {
        self.inner.draw_circle(center, radius, style, fill)
    }

    fn fill_polygon<S: BackendStyle, I: IntoIterator<Item = BackendCoord>>(
        &mut self,
        vert: I,
        style: &S,
    ) -> Result<(), Failed<'a>> {
        self.inner.fill_polygon(vert, style)
    }

    fn draw_text<T: BackendTextStyle>(&mut self, text: &str, style: &T, pos: BackendCoord) -> Result<(), Failed<'a>> {
        let color = style.color();
        if color.alpha == 0.0 || text.is_empty() {
            return Ok(());
        }
        let font = if matches!(style.style(), FontStyle::Bold) { &self.semibold } else { &self.regular };
        let scaled = font.as_scaled(PxScale::from(style.size() as f32));
        // Lay the line out on a baseline at y = 0, starting at x = 0.
        let mut glyphs = Vec::with_capacity(text.len());
        let mut caret = 0f32;
        let mut previous = None;
        for c in text.chars() {
            let id = scaled.glyph_id(c);
            if let Some(previous) = previous {
                caret += scaled.kern(previous, id);
            }
            glyphs.push(id.with_scale_and_position(scaled.scale(), ab_glyph::point(caret, 0.0)));
            caret += scaled.h_advance(id);
            previous = Some(id);
        }
        let (ascent, descent) = (scaled.ascent(), scaled.descent());
        let dx = match style.anchor().h_pos {
            HPos::Left => 0.0,
            HPos::Center => -caret / 2.0,
            HPos::Right => -caret,
        };
        // The box from ascender to descender is what Top, Center and Bottom refer to.
        let baseline = match style.anchor().v_pos {
            VPos::Top => ascent,
            VPos::Center => (ascent + descent) / 2.0,
            VPos::Bottom => descent,
        };
        let transform = style.transform();
        let (width, height) = self.get_size();
        for glyph in glyphs {
            let Some(outline) = font.outline_glyph(glyph) else { continue };
            let bounds = outline.px_bounds();
            let mut pixels = Vec::new();
            outline.draw(|x, y, coverage| pixels.push((x, y, coverage)));
            for (x, y, coverage) in pixels {
                if coverage <= 0.0 {
                    continue;
                }
                let along = (bounds.min.x + x as f32 + dx).round() as i32;
                let across = (bounds.min.y + y as f32 + baseline).round() as i32;
                let (ox, oy) = match &transform {
                    FontTransform::None => (along, across),
                    other => other.transform(along, across),
                };
                let (px, py) = (pos.0 + ox, pos.1 + oy);
                if px < 0 || py < 0 || px >= width as i32 || py >= height as i32 {
                    continue;
                }
                let blended = BackendColor { alpha: color.alpha * f64::from(coverage.min(1.0)), rgb: color.rgb };
                self.inner.draw_pixel((px, py), blended)?;
            }
        }
        Ok(())
    }

    fn blit_bitmap(&mut self, pos: BackendCoord, size: (u32, u32), src: &[u8]) -> Result<(), Failed<'a>> {
        self.inner.blit_bitmap(pos, size, src)
    }
}
