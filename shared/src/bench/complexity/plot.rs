//! Log-log plots of a family's Ir against n, base against HEAD, as SVG.
//!
//! Drawn with `plotters`' SVG backend alone (no default features), which
//! writes text as SVG `<text>` and so needs no system font library.

use plotters::prelude::*;

use crate::bench::complexity::extrapolate::group_thousands;
use crate::bench::complexity::fit::ClassFit;

/// One side (base or HEAD) of a family to plot.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    /// The measurements `(n, Ir)`.
    pub points: &'a [(f64, f64)],
    /// The chosen class's fit (see [`Fit::chosen`](super::Fit::chosen)), drawn
    /// as a curve; `None` when the family was too small to judge.
    pub fit: Option<&'a ClassFit>,
}

/// Why a plot could not be drawn.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum PlotError {
    /// Neither series has a point.
    #[error("nothing to plot: no measurements")]
    NoPoints,
    /// A size or Ir that a logarithmic axis cannot show.
    #[error("cannot plot n = {n}, Ir = {ir} on log axes: both must be finite and positive")]
    NotPositive {
        /// The size.
        n: f64,
        /// The instruction count.
        ir: f64,
    },
    /// The drawing backend failed.
    #[error("drawing the plot failed: {0}")]
    Draw(String),
}

/// How a side's measurements are marked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Circle,
    Triangle,
}

/// A side to draw: its name, series, colour and marker.
type Side<'s, 'p> = (&'static str, &'s Series<'p>, RGBColor, Marker);

const WIDTH: u32 = 800;
const HEIGHT: u32 = 500;
const CURVE_SAMPLES: usize = 96;
const BASE_COLOR: RGBColor = RGBColor(31, 119, 180);
const HEAD_COLOR: RGBColor = RGBColor(214, 39, 40);

/// Draws `family` on log-log axes (Ir against n): each present series as its
/// measured points (base: circles, HEAD: triangles) and its fitted curve, with
/// ticks at powers of 10 (or of 2 when the range holds too few powers of 10)
/// and a title naming the family and each side's class, e.g.
/// `vec_sort: base O(n log n), HEAD O(n^2)`.
///
/// # Errors
///
/// [`PlotError::NoPoints`] when neither series has a point,
/// [`PlotError::NotPositive`] for a point a log axis cannot show, and
/// [`PlotError::Draw`] if the backend fails.
pub fn plot_svg(
    family: &str,
    base: Option<&Series<'_>>,
    head: Option<&Series<'_>>,
) -> Result<String, PlotError> {
    let sides: Vec<Side<'_, '_>> = [
        ("base", base, BASE_COLOR, Marker::Circle),
        ("HEAD", head, HEAD_COLOR, Marker::Triangle),
    ]
    .into_iter()
    .filter_map(|(name, series, color, marker)| series.map(|s| (name, s, color, marker)))
    .collect();
    let all_points = || {
        sides
            .iter()
            .flat_map(|(_, s, _, _)| s.points.iter().copied())
    };
    if let Some((n, ir)) = all_points().find(|&(n, ir)| !(positive(n) && positive(ir))) {
        return Err(PlotError::NotPositive { n, ir });
    }
    let (n_lo, n_hi) = bounds(all_points().map(|p| p.0)).ok_or(PlotError::NoPoints)?;
    let curves: Vec<Vec<(f64, f64)>> = sides
        .iter()
        .map(|(_, s, _, _)| s.fit.map(|f| curve(f, n_lo, n_hi)).unwrap_or_default())
        .collect();
    let ys = all_points()
        .map(|p| p.1)
        .chain(curves.iter().flatten().map(|p| p.1));
    let (ir_lo, ir_hi) = bounds(ys).ok_or(PlotError::NoPoints)?;
    let (x_lo, x_hi) = pad(n_lo, n_hi);
    let (y_lo, y_hi) = pad(ir_lo, ir_hi);

    let title = title(family, &sides);
    let mut svg = String::new();
    {
        let root = SVGBackend::with_string(&mut svg, (WIDTH, HEIGHT)).into_drawing_area();
        root.fill(&WHITE).map_err(draw_error)?;
        let mut chart = ChartBuilder::on(&root)
            .caption(title, ("sans-serif", 26))
            .margin(16)
            .x_label_area_size(48)
            .y_label_area_size(80)
            .build_cartesian_2d(
                (x_lo..x_hi)
                    .log_scale()
                    .with_key_points(log_ticks(x_lo, x_hi)),
                (y_lo..y_hi)
                    .log_scale()
                    .with_key_points(log_ticks(y_lo, y_hi)),
            )
            .map_err(draw_error)?;
        let x_big = x_hi >= LARGE;
        let y_big = y_hi >= LARGE;
        chart
            .configure_mesh()
            .x_desc("n")
            .y_desc("Ir (instructions)")
            .x_label_formatter(&|v| tick_label(*v, x_big))
            .y_label_formatter(&|v| tick_label(*v, y_big))
            .label_style(("sans-serif", 16))
            .axis_desc_style(("sans-serif", 17))
            .bold_line_style(BLACK.mix(0.12))
            .light_line_style(TRANSPARENT)
            .draw()
            .map_err(draw_error)?;

        for ((name, series, color, marker), curve) in sides.iter().zip(curves) {
            let color = *color;
            if let Some(fit) = series.fit {
                chart
                    .draw_series(LineSeries::new(curve, color.stroke_width(2)))
                    .map_err(draw_error)?
                    .label(format!("{name} fit: {}", fit.class.label()))
                    .legend(move |(x, y)| {
                        PathElement::new(vec![(x, y), (x + 20, y)], color.stroke_width(2))
                    });
            }
            let label = format!("{name} measured");
            if *marker == Marker::Circle {
                chart
                    .draw_series(
                        series
                            .points
                            .iter()
                            .map(|&p| Circle::new(p, 4, color.filled())),
                    )
                    .map_err(draw_error)?
                    .label(label)
                    .legend(move |(x, y)| Circle::new((x + 10, y), 4, color.filled()));
            } else {
                chart
                    .draw_series(
                        series
                            .points
                            .iter()
                            .map(|&p| TriangleMarker::new(p, 6, color.filled())),
                    )
                    .map_err(draw_error)?
                    .label(label)
                    .legend(move |(x, y)| TriangleMarker::new((x + 10, y), 6, color.filled()));
            }
        }
        chart
            .configure_series_labels()
            .position(SeriesLabelPosition::UpperLeft)
            .background_style(WHITE.mix(0.85))
            .border_style(BLACK.mix(0.3))
            .label_font(("sans-serif", 16))
            .draw()
            .map_err(draw_error)?;
        root.present().map_err(draw_error)?;
    }
    Ok(svg)
}

/// Tick values from which labels switch to exponent notation.
const LARGE: f64 = 1e5;

fn draw_error<E: std::error::Error>(e: E) -> PlotError {
    PlotError::Draw(e.to_string())
}

fn positive(x: f64) -> bool {
    x.is_finite() && x > 0.0
}

fn bounds(values: impl Iterator<Item = f64>) -> Option<(f64, f64)> {
    values.fold(None, |acc, v| match acc {
        None => Some((v, v)),
        Some((lo, hi)) => Some((lo.min(v), hi.max(v))),
    })
}

/// Widens `[lo, hi]` on each side by 6% of its log range (at least 10%; 2x
/// for a single value), so no point sits on the frame.
fn pad(lo: f64, hi: f64) -> (f64, f64) {
    let factor = if hi / lo < 1.5 {
        2.0
    } else {
        (hi / lo).powf(0.06).max(1.1)
    };
    (lo / factor, hi * factor)
}

/// The title: the family and each side's class.
fn title(family: &str, sides: &[Side<'_, '_>]) -> String {
    let parts: Vec<String> = sides
        .iter()
        .map(|(name, series, _, _)| match series.fit {
            Some(fit) => format!("{name} {}", fit.class.label()),
            None => format!("{name} not judged"),
        })
        .collect();
    if parts.is_empty() {
        family.to_owned()
    } else {
        format!("{family}: {}", parts.join(", "))
    }
}

/// The fitted curve at log-spaced sizes over `[lo, hi]`, where it is positive.
fn curve(fit: &ClassFit, lo: f64, hi: f64) -> Vec<(f64, f64)> {
    let steps = CURVE_SAMPLES - 1;
    (0..=steps)
        .map(|i| lo * (hi / lo).powf(i as f64 / steps as f64))
        .map(|n| (n, fit.predict(n)))
        .filter(|&(_, ir)| positive(ir))
        .collect()
}

/// Tick values in `[lo, hi]`: powers of 10, or powers of 2 when fewer than
/// three powers of 10 fit; thinned to at most eight by skipping exponents.
fn log_ticks(lo: f64, hi: f64) -> Vec<f64> {
    let powers = |base: f64| -> Vec<f64> {
        let first = (lo.log(base) - 1e-9).ceil() as i32;
        let last = (hi.log(base) + 1e-9).floor() as i32;
        let count = (last - first + 1).max(0);
        let step = ((count + 7) / 8).max(1);
        let start = first.div_euclid(step) * step;
        (0..)
            .map(|k| start + k * step)
            .take_while(|&e| e <= last)
            .filter(|&e| e >= first)
            .map(|e| base.powi(e))
            .collect()
    };
    let tens = powers(10.0);
    if tens.len() >= 3 { tens } else { powers(2.0) }
}

/// A tick label: the plain number with thousands grouped, or, on an axis that
/// reaches [`LARGE`], `1e6` or `2^20`.
fn tick_label(v: f64, big: bool) -> String {
    if !big {
        return group_thousands(v);
    }
    let ten = v.log10().round();
    if (10f64.powf(ten) - v).abs() <= v * 1e-9 {
        return format!("1e{ten}");
    }
    let two = v.log2().round();
    if (2f64.powf(two) - v).abs() <= v * 1e-9 {
        return format!("2^{two}");
    }
    format!("{v:.1e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::complexity::class::Class;
    use crate::bench::complexity::fit::{FitResult, fit};
    use quick_xml::Reader;
    use quick_xml::events::Event;

    fn family(class: Class, sizes: &[f64], a: f64, b: f64) -> Vec<(f64, f64)> {
        sizes.iter().map(|&n| (n, a + b * class.basis(n))).collect()
    }

    fn judged(points: &[(f64, f64)]) -> crate::bench::complexity::fit::Fit {
        match fit(points).unwrap() {
            FitResult::Judged(f) => *f,
            FitResult::TooSmall(t) => panic!("{t}"),
        }
    }

    /// Parses the whole document, checking that it is well-formed XML with one
    /// `<svg>` root, and returns the (trimmed, unescaped) text of every `<text>`.
    fn well_formed(svg: &str) -> Vec<String> {
        let mut reader = Reader::from_str(svg);
        reader.config_mut().check_end_names = true;
        let mut depth = 0i32;
        let mut roots = 0;
        let mut texts: Vec<String> = Vec::new();
        let mut in_text = false;
        loop {
            match reader.read_event().unwrap() {
                Event::Start(e) => {
                    if depth == 0 {
                        roots += 1;
                        assert_eq!(e.name().as_ref(), b"svg");
                    }
                    in_text = e.name().as_ref() == b"text";
                    if in_text {
                        texts.push(String::new());
                    }
                    depth += 1;
                }
                Event::End(_) => {
                    depth -= 1;
                    in_text = false;
                }
                Event::Empty(e) => assert!(depth > 0, "{:?} outside the root", e.name()),
                Event::Text(t) if in_text => {
                    if let Some(last) = texts.last_mut() {
                        last.push_str(&t.decode().unwrap());
                    }
                }
                Event::GeneralRef(r) if in_text => {
                    let ch = match r.decode().unwrap().as_ref() {
                        "lt" => "<",
                        "gt" => ">",
                        "amp" => "&",
                        "quot" => "\"",
                        "apos" => "'",
                        other => panic!("unknown entity {other}"),
                    };
                    if let Some(last) = texts.last_mut() {
                        last.push_str(ch);
                    }
                }
                Event::Eof => break,
                _ => {}
            }
        }
        assert_eq!(depth, 0);
        assert_eq!(roots, 1);
        texts.iter().map(|t| t.trim().to_owned()).collect()
    }

    #[test]
    fn base_and_head_plot_is_well_formed() {
        let sizes = [16.0, 64.0, 256.0, 1024.0, 4096.0];
        let base_points = family(Class::Linear, &sizes, 800.0, 12.0);
        let head_points = family(Class::Quadratic, &sizes, 800.0, 0.5);
        let (base_fit, head_fit) = (judged(&base_points), judged(&head_points));
        assert_eq!(base_fit.class, Class::Linear);
        assert_eq!(head_fit.class, Class::Quadratic);
        let base = Series {
            points: &base_points,
            fit: Some(base_fit.chosen()),
        };
        let head = Series {
            points: &head_points,
            fit: Some(head_fit.chosen()),
        };
        let svg = plot_svg("Vec<u8>::dedup & co", Some(&base), Some(&head)).unwrap();
        let texts = well_formed(&svg);
        let joined = texts.join("\n");
        assert!(
            joined.contains("Vec<u8>::dedup & co: base O(n), HEAD O(n^2)"),
            "{joined}"
        );
        for label in [
            "base fit: O(n)",
            "HEAD fit: O(n^2)",
            "base measured",
            "HEAD measured",
        ] {
            assert!(texts.iter().any(|t| t == label), "{label} in {joined}");
        }
        for tick in ["16", "1,024", "4,096", "1e3", "1e6"] {
            assert!(texts.iter().any(|t| t == tick), "tick {tick} in {joined}");
        }
        assert_eq!(svg.matches("<circle").count(), sizes.len() + 1);
        assert!(svg.matches("<polyline").count() >= 2);
    }

    #[test]
    fn one_side_only_and_unjudged_sides() {
        let points = family(Class::NLogN, &[2.0, 4.0, 8.0], 100.0, 3.0);
        let head = Series {
            points: &points,
            fit: None,
        };
        let svg = plot_svg("small", None, Some(&head)).unwrap();
        let texts = well_formed(&svg);
        assert!(
            texts.iter().any(|t| t == "small: HEAD not judged"),
            "{texts:?}"
        );
        assert!(
            texts.iter().any(|t| t == "2"),
            "power-of-2 ticks: {texts:?}"
        );
        assert!(!texts.iter().any(|t| t.contains("fit:")), "{texts:?}");

        let sizes = [
            1.0, 2.0, 4.0, 8.0, 16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0,
        ];
        let base_points = family(Class::Log, &sizes, 0.0, 50.0)
            .into_iter()
            .map(|(n, ir)| (n, ir + 1.0))
            .collect::<Vec<_>>();
        let base_fit = judged(&base_points);
        let base = Series {
            points: &base_points,
            fit: Some(base_fit.chosen()),
        };
        let svg = plot_svg("log", Some(&base), None).unwrap();
        let texts = well_formed(&svg);
        assert!(texts.iter().any(|t| t == "log: base O(log n)"), "{texts:?}");
    }

    #[test]
    fn plot_errors() {
        assert_eq!(plot_svg("none", None, None), Err(PlotError::NoPoints));
        let empty = Series {
            points: &[],
            fit: None,
        };
        assert_eq!(
            plot_svg("empty", Some(&empty), None),
            Err(PlotError::NoPoints)
        );
        let zero = [(0.0, 10.0), (4.0, 20.0)];
        let bad = Series {
            points: &zero,
            fit: None,
        };
        assert_eq!(
            plot_svg("zero", None, Some(&bad)),
            Err(PlotError::NotPositive { n: 0.0, ir: 10.0 })
        );
    }

    #[test]
    fn ticks_and_labels() {
        assert_eq!(log_ticks(10.0, 1000.0), vec![10.0, 100.0, 1000.0]);
        assert_eq!(
            log_ticks(12.0, 5000.0),
            vec![
                16.0, 32.0, 64.0, 128.0, 256.0, 512.0, 1024.0, 2048.0, 4096.0
            ]
            .into_iter()
            .step_by(2)
            .collect::<Vec<_>>()
        );
        let many = log_ticks(1.0, 1e30);
        assert!(many.len() <= 8 && many.len() >= 3, "{many:?}");
        assert_eq!(tick_label(1024.0, false), "1,024");
        assert_eq!(tick_label(1e6, true), "1e6");
        assert_eq!(tick_label(1_048_576.0, true), "2^20");
        assert_eq!(tick_label(3e6, true), "3.0e6");
    }
}
