//! Complexity classes, their labels, and parsing of complexity claims.

use std::fmt;
use std::str::FromStr;

/// An asymptotic complexity class, ordered by growth (`Constant < Log < ... < Cubic`).
///
/// Each class stands for a basis function `f(n)`; logarithms are natural
/// logarithms throughout (the base only rescales the coefficient, never the class).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Class {
    /// `O(1)`: `f(n) = 1`.
    Constant,
    /// `O(log n)`: `f(n) = ln n`.
    Log,
    /// `O(n)`: `f(n) = n`.
    Linear,
    /// `O(n log n)`: `f(n) = n ln n`.
    NLogN,
    /// `O(n^2)`: `f(n) = n^2`.
    Quadratic,
    /// `O(n^3)`: `f(n) = n^3`.
    Cubic,
}

impl Class {
    /// Every class, lowest growth first.
    pub const ALL: [Class; 6] = [
        Class::Constant,
        Class::Log,
        Class::Linear,
        Class::NLogN,
        Class::Quadratic,
        Class::Cubic,
    ];

    /// The label shown to people: `"O(1)"`, `"O(log n)"`, `"O(n)"`,
    /// `"O(n log n)"`, `"O(n^2)"` or `"O(n^3)"`.
    pub fn label(self) -> &'static str {
        match self {
            Class::Constant => "O(1)",
            Class::Log => "O(log n)",
            Class::Linear => "O(n)",
            Class::NLogN => "O(n log n)",
            Class::Quadratic => "O(n^2)",
            Class::Cubic => "O(n^3)",
        }
    }

    /// The basis function `f(n)` of the class (natural logarithm), for `n >= 1`.
    pub fn basis(self, n: f64) -> f64 {
        match self {
            Class::Constant => 1.0,
            Class::Log => n.ln(),
            Class::Linear => n,
            Class::NLogN => n * n.ln(),
            Class::Quadratic => n * n,
            Class::Cubic => n * n * n,
        }
    }
}

impl fmt::Display for Class {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// A complexity claim that names no known class.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "unrecognised complexity class `{text}`: expected one of O(1), O(log n), O(n), O(n log n), O(n^2), O(n^3)"
)]
pub struct ParseClassError {
    /// The text as written (trimmed).
    pub text: String,
}

impl FromStr for Class {
    type Err = ParseClassError;

    /// Parses a claim such as `"n log n"`, `"O(n log n)"`, `"nlogn"`,
    /// `"n*log(n)"`, `"O(N)"`, `"n^2"`, `"O(n²)"`, `"1"` or `"log n"`, ignoring
    /// whitespace and case. `ln`, `lg`, `log2` and `log_2` all read as `log`.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let key = normalise(s);
        let class = match key.as_str() {
            "1" => Class::Constant,
            "logn" => Class::Log,
            "n" | "n^1" => Class::Linear,
            "nlogn" | "lognn" => Class::NLogN,
            "n^2" | "nn" => Class::Quadratic,
            "n^3" | "nnn" => Class::Cubic,
            _ => {
                return Err(ParseClassError {
                    text: s.trim().to_owned(),
                });
            }
        };
        Ok(class)
    }
}

/// Reduces a claim to a canonical key: lower case, no whitespace, no `O(...)`
/// wrapper, no multiplication signs or parentheses, superscripts as `^k`,
/// every logarithm spelled `log`.
fn normalise(s: &str) -> String {
    let lowered: String = s
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect();
    let key = lowered
        .strip_prefix("o(")
        .and_then(|k| k.strip_suffix(')'))
        .unwrap_or(&lowered);
    let key = key
        .replace('²', "^2")
        .replace('³', "^3")
        .replace("**", "^")
        .replace("log_2", "log")
        .replace("log2(", "log(")
        .replace("ln", "log")
        .replace("lg", "log");
    key.chars()
        .filter(|c| !matches!(c, '*' | '·' | '⋅' | '×' | '(' | ')'))
        .collect()
}

/// Reads a complexity claim from one source line such as
/// `/// Complexity: O(n log n)`.
///
/// Returns `None` when the line is not a doc comment (`///` or `//!`) whose text
/// starts with `Complexity:` (any case, markdown emphasis such as
/// `**Complexity:**` allowed); `Some(Err(..))` when it is such a line but the
/// claim names no known class; `Some(Ok(class))` otherwise. When the claim is
/// written as `O(...)`, text after the closing parenthesis is ignored, so
/// `/// Complexity: O(n) amortised.` reads as `O(n)`.
pub fn claim_from_doc(line: &str) -> Option<Result<Class, ParseClassError>> {
    let trimmed = line.trim_start();
    let body = trimmed
        .strip_prefix("///")
        .or_else(|| trimmed.strip_prefix("//!"))?;
    let body = body.trim_start_matches(|c: char| c.is_whitespace() || c == '*' || c == '`');
    let head = body.get(..11)?;
    if !head.eq_ignore_ascii_case("complexity:") {
        return None;
    }
    let rest = body
        .get(11..)?
        .trim_matches(|c: char| c.is_whitespace() || c == '*' || c == '`');
    Some(Class::from_str(claim_text(rest)))
}

/// The claim proper within the text after `Complexity:`: the `O(...)` group
/// with balanced parentheses when there is one, else the text without a
/// trailing full stop.
fn claim_text(rest: &str) -> &str {
    let opens_group = rest
        .strip_prefix(['O', 'o'])
        .is_some_and(|r| r.trim_start().starts_with('('));
    if opens_group {
        let mut depth = 0usize;
        for (i, c) in rest.char_indices() {
            match c {
                '(' => depth += 1,
                ')' => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return &rest[..i + c.len_utf8()];
                    }
                }
                _ => {}
            }
        }
    }
    rest.trim_end_matches('.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_and_order() {
        let labels: Vec<&str> = Class::ALL.iter().map(|c| c.label()).collect();
        assert_eq!(
            labels,
            ["O(1)", "O(log n)", "O(n)", "O(n log n)", "O(n^2)", "O(n^3)"]
        );
        assert!(Class::ALL.windows(2).all(|w| w[0] < w[1]));
        assert_eq!(Class::NLogN.to_string(), "O(n log n)");
    }

    #[test]
    fn labels_parse_back() {
        for c in Class::ALL {
            assert_eq!(c.label().parse::<Class>(), Ok(c));
        }
    }

    #[test]
    fn parses_config_spellings() {
        let cases: &[(&str, Class)] = &[
            ("1", Class::Constant),
            ("O(1)", Class::Constant),
            ("log n", Class::Log),
            ("O(log N)", Class::Log),
            ("log(n)", Class::Log),
            ("lg n", Class::Log),
            ("ln n", Class::Log),
            ("log_2 n", Class::Log),
            ("n", Class::Linear),
            ("N", Class::Linear),
            ("O(n)", Class::Linear),
            ("O(N)", Class::Linear),
            ("  o( n )  ", Class::Linear),
            ("n log n", Class::NLogN),
            ("O(n log n)", Class::NLogN),
            ("nlogn", Class::NLogN),
            ("NLogN", Class::NLogN),
            ("n*log(n)", Class::NLogN),
            ("O(n * log2(n))", Class::NLogN),
            ("n lg n", Class::NLogN),
            ("n^2", Class::Quadratic),
            ("O(n²)", Class::Quadratic),
            ("O(N^2)", Class::Quadratic),
            ("n**2", Class::Quadratic),
            ("n * n", Class::Quadratic),
            ("n^3", Class::Cubic),
            ("O(n³)", Class::Cubic),
        ];
        for (text, class) in cases {
            assert_eq!(text.parse::<Class>(), Ok(*class), "{text}");
        }
    }

    #[test]
    fn rejects_unknown_claims() {
        for text in [
            "",
            "O()",
            "n^4",
            "2^n",
            "exp(n)",
            "n log log n",
            "fast",
            "O(n",
        ] {
            let err = text.parse::<Class>().unwrap_err();
            assert_eq!(err.text, text.trim());
            assert!(err.to_string().contains("unrecognised"), "{err}");
        }
    }

    #[test]
    fn doc_claims() {
        assert_eq!(
            claim_from_doc("/// Complexity: O(n log n)"),
            Some(Ok(Class::NLogN))
        );
        assert_eq!(
            claim_from_doc("    /// complexity: n^2"),
            Some(Ok(Class::Quadratic))
        );
        assert_eq!(
            claim_from_doc("//! Complexity: O(1)"),
            Some(Ok(Class::Constant))
        );
        assert_eq!(
            claim_from_doc("/// **Complexity:** `O(n)`"),
            Some(Ok(Class::Linear))
        );
        assert_eq!(
            claim_from_doc("/// Complexity: O(n) amortised, O(n^2) worst case."),
            Some(Ok(Class::Linear))
        );
        assert_eq!(
            claim_from_doc("/// Complexity: n log n."),
            Some(Ok(Class::NLogN))
        );
        assert_eq!(
            claim_from_doc("/// Complexity: O(n log(n))"),
            Some(Ok(Class::NLogN))
        );
    }

    #[test]
    fn doc_non_claims_and_bad_claims() {
        assert_eq!(claim_from_doc("// Complexity: O(n)"), None);
        assert_eq!(claim_from_doc("/// Sorts the slice."), None);
        assert_eq!(claim_from_doc("/// The complexity: O(n)"), None);
        assert_eq!(claim_from_doc("fn f() {}"), None);
        assert_eq!(claim_from_doc("///"), None);
        assert_eq!(claim_from_doc("/// Complexité: O(n)"), None);
        let bad = claim_from_doc("/// Complexity: O(2^n)");
        assert!(matches!(bad, Some(Err(ParseClassError { ref text })) if text == "O(2^n)"));
        assert!(matches!(claim_from_doc("/// Complexity:"), Some(Err(_))));
    }
}
