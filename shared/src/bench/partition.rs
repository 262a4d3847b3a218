//! `--partition k/n`: a deterministic slice of the bench targets, so CI jobs can share the work and
//! `cargo lumen-gate --report` can merge the slices' reports.
//!
//! Targets are sorted by package and name and dealt out in turn: the i-th (from 0) goes to slice
//! `i % n + 1`. The slices are disjoint and together hold every target, whatever machine computes them.
//! Command benchmarks are dealt with the targets, as `command <name>` of the package whose binary they run.

use std::fmt;
use std::str::FromStr;

use crate::bench::discover::BenchTarget;

/// Slice `index` of `total` (both from 1).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    /// Which slice, 1..=total.
    pub index: usize,
    /// How many slices.
    pub total: usize,
}

impl FromStr for Partition {
    type Err = String;

    fn from_str(s: &str) -> Result<Partition, String> {
        let usage = || format!("`{s}` is not k/n with 1 <= k <= n (e.g. 1/3)");
        let (k, n) = s.split_once('/').ok_or_else(usage)?;
        let index: usize = k.trim().parse().map_err(|_| usage())?;
        let total: usize = n.trim().parse().map_err(|_| usage())?;
        if index == 0 || total == 0 || index > total {
            return Err(usage());
        }
        Ok(Partition { index, total })
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.total)
    }
}

impl Partition {
    /// The targets of this slice, in package and name order.
    pub fn select(self, targets: Vec<BenchTarget>) -> Vec<BenchTarget> {
        self.select_by(targets, |t| (t.package.to_owned(), t.name.to_owned()))
    }

    /// The items of this slice, dealt in the order of `key` (package, then name).
    pub fn select_by<T>(self, mut items: Vec<T>, key: impl Fn(&T) -> (String, String)) -> Vec<T> {
        items.sort_by_key(|a| key(a));
        items
            .into_iter()
            .enumerate()
            .filter(|(i, _)| i % self.total + 1 == self.index)
            .map(|(_, t)| t)
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bench::discover::Runner;

    fn target(package: &str, name: &str) -> BenchTarget {
        BenchTarget {
            package: package.to_owned(),
            manifest: format!("{package}/Cargo.toml").into(),
            name: name.to_owned(),
            file: format!("{package}/benches/{name}.rs"),
            runner: Runner::Gungraun,
            version: "0.20.0".to_owned(),
        }
    }

    #[test]
    fn slices_are_disjoint_and_cover_everything_whatever_the_input_order() {
        let all = vec![
            target("b", "x"),
            target("a", "z"),
            target("a", "y"),
            target("c", "w"),
        ];
        let mut reversed = all.clone(); // cloned: the same targets in another order
        reversed.reverse();
        let mut seen = Vec::new();
        for index in 1..=3 {
            let p = Partition { index, total: 3 };
            let slice = p.select(all.clone()); // cloned: each slice takes its own copy
            assert_eq!(slice, p.select(reversed.clone())); // cloned: as above
            seen.extend(
                slice
                    .into_iter()
                    .map(|t| format!("{}/{}", t.package, t.name)),
            );
        }
        seen.sort();
        assert_eq!(seen, ["a/y", "a/z", "b/x", "c/w"]);
        let first = Partition { index: 1, total: 3 }.select(all);
        assert_eq!(first.len(), 2, "a/y and c/w: {first:?}");
    }

    #[test]
    fn bad_partitions_are_refused() {
        assert_eq!("2/3".parse(), Ok(Partition { index: 2, total: 3 }));
        for bad in ["0/3", "4/3", "1/0", "x/2", "3", "1/2/3"] {
            assert!(bad.parse::<Partition>().is_err(), "{bad}");
        }
    }
}
