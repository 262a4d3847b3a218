//! Number formatting for the review: instruction counts and signed percentages.

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
pub fn change(m: &MetricChange) -> String {
    match (m.before, m.change_pct) {
        (Some(before), Some(pct)) => {
            let delta = m.after - before;
            let sign = if delta < 0.0 { "" } else { "+" };
            format!("{sign}{} Ir ({})", count(delta), percent(pct))
        }
        _ => "new".to_owned(),
    }
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
        assert_eq!(change(&m), "+37 Ir (+3.70%)");
        let new = MetricChange {
            before: None,
            after: 5.0,
            change_pct: None,
        };
        assert_eq!(change(&new), "new");
    }
}
