//! Reading versions: whether the version bump between the base and HEAD allows a breaking change, by
//! cargo's semver rules (a major bump; below 1.0, a minor bump; below 0.1, a patch bump).

use cargo_metadata::semver::Version;

/// True when going from `base` to `head` allows a breaking change.
pub fn allows_breaking(base: &Version, head: &Version) -> bool {
    if head.major != base.major {
        return head.major > base.major;
    }
    if base.major > 0 {
        return false;
    }
    if head.minor != base.minor {
        return head.minor > base.minor;
    }
    base.minor == 0 && head.patch > base.patch
}

/// The first version after `base` that allows a breaking change.
pub fn next_breaking(base: &Version) -> Version {
    match (base.major, base.minor) {
        (0, 0) => Version::new(0, 0, base.patch + 1),
        (0, minor) => Version::new(0, minor + 1, 0),
        (major, _) => Version::new(major + 1, 0, 0),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(s: &str) -> Version {
        Version::parse(s).unwrap()
    }

    #[test]
    fn bumps_that_allow_a_breaking_change() {
        assert!(allows_breaking(&v("1.2.3"), &v("2.0.0")));
        assert!(!allows_breaking(&v("1.2.3"), &v("1.3.0")));
        assert!(!allows_breaking(&v("1.2.3"), &v("1.2.3")));
        assert!(allows_breaking(&v("0.1.0"), &v("0.2.0")));
        assert!(allows_breaking(&v("0.9.1"), &v("1.0.0")));
        assert!(!allows_breaking(&v("0.1.0"), &v("0.1.1")));
        assert!(allows_breaking(&v("0.0.1"), &v("0.0.2")));
        assert!(!allows_breaking(&v("2.0.0"), &v("1.9.0")));
        assert_eq!(next_breaking(&v("0.1.4")), v("0.2.0"));
        assert_eq!(next_breaking(&v("1.1.4")), v("2.0.0"));
        assert_eq!(next_breaking(&v("0.0.4")), v("0.0.5"));
    }
}
