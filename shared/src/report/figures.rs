//! How the report's figures read: instruction counts with separators, signed percentages, durations.
//! Shared by the tools' messages and the renderers.

use crate::report::MetricChange;

/// An integer-valued figure with thousands separators: `1234567` -> `1,234,567`.
pub fn count(value: f64) -> String {
    let rounded = value.round();
    let negative = rounded < 0.0;
    let digits = format!("{}", rounded.abs() as u128);
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(ch);
    }
    if negative {
        out.insert(0, '-');
    }
    out
}

/// A signed percentage with two decimals: `+3.70%`, `-0.12%`, `+0.00%`.
pub fn percent(pct: f64) -> String {
    if pct < 0.0 {
        format!("-{:.2}%", pct.abs())
    } else {
        format!("+{pct:.2}%")
    }
}

/// `+1,234 Ir (+3.70%)`-style change of a metric, or `new` without a before figure.
pub fn change(metric: &str, m: &MetricChange) -> String {
    match (m.before, m.change_pct) {
        (Some(before), Some(pct)) => {
            let delta = m.after - before;
            let sign = if delta < 0.0 { "-" } else { "+" };
            format!("{sign}{} ({})", value(metric, delta.abs()), percent(pct))
        }
        _ => "new".to_owned(),
    }
}

/// A figure with its unit: `1,234 Ir` for instruction counts, `12.35 µs` for criterion's `time_ns`.
pub fn value(metric: &str, v: f64) -> String {
    match metric {
        "Ir" => format!("{} Ir", count(v)),
        "time_ns" => duration_ns(v),
        _ => count(v),
    }
}

/// Nanoseconds in the largest unit that keeps the figure at or above 1.
fn duration_ns(ns: f64) -> String {
    let units = [(1e9, "s"), (1e6, "ms"), (1e3, "µs")];
    units
        .iter()
        .find(|(scale, _)| ns.abs() >= *scale)
        .map(|(scale, unit)| format!("{:.2} {unit}", ns / scale))
        .unwrap_or_else(|| format!("{ns:.2} ns"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_get_separators() {
        assert_eq!(count(0.0), "0");
        assert_eq!(count(999.0), "999");
        assert_eq!(count(1000.0), "1,000");
        assert_eq!(count(1234567.0), "1,234,567");
        assert_eq!(count(-45678.0), "-45,678");
    }

    #[test]
    fn values_carry_their_unit() {
        assert_eq!(value("Ir", 1234.0), "1,234 Ir");
        assert_eq!(value("time_ns", 12_345.0), "12.35 µs");
        assert_eq!(value("time_ns", 999.0), "999.00 ns");
        assert_eq!(value("time_ns", 2.5e9), "2.50 s");
        let m = MetricChange {
            before: Some(1000.0),
            after: 900.0,
            change_pct: Some(-10.0),
        };
        assert_eq!(change("Ir", &m), "-100 Ir (-10.00%)");
    }

    #[test]
    fn percentages_are_signed() {
        assert_eq!(percent(3.7), "+3.70%");
        assert_eq!(percent(-0.123), "-0.12%");
        assert_eq!(percent(0.0), "+0.00%");
    }

    #[test]
    fn change_shows_delta_and_percent() {
        let m = MetricChange {
            before: Some(1000.0),
            after: 1037.0,
            change_pct: Some(3.7),
        };
        assert_eq!(change("Ir", &m), "+37 Ir (+3.70%)");
        let new = MetricChange {
            before: None,
            after: 5.0,
            change_pct: None,
        };
        assert_eq!(change("Ir", &new), "new");
    }
}
