//! Figures for messages: extrapolated work at a large size, and measured growth.

use std::fmt;

use crate::bench::complexity::class::Class;
use crate::bench::complexity::fit::ClassFit;

/// HEAD's fitted work against the base's at one (large) size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Extrapolation {
    /// The base's class.
    pub base: Class,
    /// HEAD's class.
    pub head: Class,
    /// The size extrapolated to.
    pub n: f64,
    /// The base fit's Ir at `n`.
    pub base_ir: f64,
    /// HEAD's fit's Ir at `n`.
    pub head_ir: f64,
    /// `head_ir / base_ir`.
    pub ratio: f64,
}

impl fmt::Display for Extrapolation {
    /// `O(n) at base, O(n^2) at HEAD: at n = 1,000,000 that is ~40,000x the base's work`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at base, {} at HEAD: at n = {} that is ~{}x the base's work",
            self.base.label(),
            self.head.label(),
            group_thousands(self.n.round()),
            approx(self.ratio)
        )
    }
}

/// Extrapolates two fits (usually each family's chosen class, see
/// [`Fit::chosen`](super::Fit::chosen)) to size `n` and compares them.
pub fn extrapolate(base: &ClassFit, head: &ClassFit, n: f64) -> Extrapolation {
    let base_ir = base.predict(n);
    let head_ir = head.predict(n);
    Extrapolation {
        base: base.class,
        head: head.class,
        n,
        base_ir,
        head_ir,
        ratio: head_ir / base_ir,
    }
}

/// Measured growth of a family from its smallest to its largest size.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Growth {
    /// The smallest size.
    pub from_n: f64,
    /// The largest size.
    pub to_n: f64,
    /// Ir at the smallest size (the mean, if it was measured more than once).
    pub from_ir: f64,
    /// Ir at the largest size (the mean, if it was measured more than once).
    pub to_ir: f64,
    /// `to_ir / from_ir`.
    pub ratio: f64,
}

impl fmt::Display for Growth {
    /// `16 -> 1,024 grows 4,096x`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let ratio = if self.ratio >= 100.0 {
            group_thousands(self.ratio.round())
        } else {
            format!("{:.1}", self.ratio)
        };
        write!(
            f,
            "{} -> {} grows {}x",
            group_thousands(self.from_n.round()),
            group_thousands(self.to_n.round()),
            ratio
        )
    }
}

/// Ratio of the Ir measured at the largest size to that at the smallest;
/// `None` when `points` is empty.
pub fn growth(points: &[(f64, f64)]) -> Option<Growth> {
    let from_n = points.iter().map(|p| p.0).min_by(f64::total_cmp)?;
    let to_n = points.iter().map(|p| p.0).max_by(f64::total_cmp)?;
    let mean_at = |n: f64| {
        let (sum, count) = points
            .iter()
            .filter(|p| p.0 == n)
            .fold((0.0, 0.0), |(s, c), p| (s + p.1, c + 1.0));
        sum / count
    };
    let (from_ir, to_ir) = (mean_at(from_n), mean_at(to_n));
    Some(Growth {
        from_n,
        to_n,
        from_ir,
        to_ir,
        ratio: to_ir / from_ir,
    })
}

/// A ratio rounded for an estimate: two significant figures, thousands
/// grouped (`40,000`, `2.3`, `0.51`).
fn approx(x: f64) -> String {
    if !x.is_finite() || x <= 0.0 {
        return format!("{x}");
    }
    let magnitude = x.log10().floor();
    let step = 10f64.powf(magnitude - 1.0);
    let rounded = (x / step).round() * step;
    if magnitude >= 1.0 {
        group_thousands(rounded)
    } else {
        let decimals = (1.0 - magnitude) as usize;
        format!("{rounded:.decimals$}")
    }
}

/// An integral value with comma thousands separators (`1,000,000`).
pub(crate) fn group_thousands(x: f64) -> String {
    let digits = format!("{:.0}", x.abs());
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if x < 0.0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn class_fit(class: Class, intercept: f64, coef: f64) -> ClassFit {
        ClassFit {
            class,
            intercept,
            coef,
            rms: 0.0,
            rel_rms: 0.0,
        }
    }

    #[test]
    fn linear_to_quadratic_at_a_million() {
        let base = class_fit(Class::Linear, 0.0, 25.0);
        let head = class_fit(Class::Quadratic, 0.0, 1.0);
        let e = extrapolate(&base, &head, 1e6);
        assert!((e.ratio - 40_000.0).abs() < 1e-6);
        assert_eq!(
            e.to_string(),
            "O(n) at base, O(n^2) at HEAD: at n = 1,000,000 that is ~40,000x the base's work"
        );
    }

    #[test]
    fn extrapolation_counts_intercepts() {
        let base = class_fit(Class::Linear, 1000.0, 10.0);
        let head = class_fit(Class::NLogN, 500.0, 2.0);
        let e = extrapolate(&base, &head, 1e6);
        let expected = (500.0 + 2.0 * 1e6 * 1e6f64.ln()) / (1000.0 + 10.0 * 1e6);
        assert!((e.ratio - expected).abs() < 1e-12);
        assert_eq!(e.base_ir, 1000.0 + 1e7);
        assert!(
            e.to_string().ends_with("that is ~2.8x the base's work"),
            "{e}"
        );
    }

    #[test]
    fn growth_of_a_quadratic_family() {
        let points: Vec<(f64, f64)> = [16.0, 64.0, 256.0, 1024.0]
            .iter()
            .map(|&n: &f64| (n, 3.0 * n * n))
            .collect();
        let g = growth(&points).unwrap();
        assert_eq!(g.ratio, 4096.0);
        assert_eq!(g.to_string(), "16 -> 1,024 grows 4,096x");
        let small = growth(&[(10.0, 100.0), (20.0, 150.0), (10.0, 110.0)]).unwrap();
        assert_eq!(small.from_ir, 105.0);
        assert_eq!(small.to_string(), "10 -> 20 grows 1.4x");
        assert!(growth(&[]).is_none());
    }

    #[test]
    fn number_formats() {
        assert_eq!(group_thousands(0.0), "0");
        assert_eq!(group_thousands(999.0), "999");
        assert_eq!(group_thousands(1000.0), "1,000");
        assert_eq!(group_thousands(1_234_567.0), "1,234,567");
        assert_eq!(group_thousands(-4096.0), "-4,096");
        assert_eq!(approx(39_874.0), "40,000");
        assert_eq!(approx(12.49), "12");
        assert_eq!(approx(2.345), "2.3");
        assert_eq!(approx(0.5123), "0.51");
        assert_eq!(approx(1.0), "1.0");
    }
}
