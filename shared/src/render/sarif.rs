//! SARIF 2.1.0 output, for code scanning.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use crate::gate::review::Review;
use crate::report::{Baseline, Finding, Severity};

/// The SARIF version written.
pub const SARIF_VERSION: &str = "2.1.0";

/// The review as a SARIF log: one run, one result per finding (pre-existing ones with
/// `baselineState: unchanged`); the run's properties hold the verdict and the number of blocking findings.
pub fn log(review: &Review) -> Value {
    let findings: Vec<&Finding> = review.issues.iter().chain(&review.pre_existing).collect();
    let mut rule_index: BTreeMap<&str, usize> = BTreeMap::new();
    let mut rules = Vec::new();
    for f in &findings {
        if !rule_index.contains_key(f.rule_id.as_str()) {
            rule_index.insert(&f.rule_id, rules.len());
            let description = review
                .report
                .rules_checked
                .iter()
                .find(|r| r.id == f.rule_id)
                .map(|r| r.description.as_str())
                .unwrap_or(f.kind.as_str());
            rules.push(json!({
                "id": f.rule_id,
                "name": f.kind,
                "shortDescription": { "text": description },
                "defaultConfiguration": { "level": level(f.severity) },
            }));
        }
    }
    let results: Vec<Value> = findings
        .iter()
        .map(|f| {
            result(
                f,
                rule_index.get(f.rule_id.as_str()).copied().unwrap_or(0),
                review,
            )
        })
        .collect();
    json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": SARIF_VERSION,
        "runs": [{
            "tool": { "driver": {
                "name": "lumen-gate",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": "https://example.invalid/lumen-gate",
                "rules": rules,
            }},
            "originalUriBaseIds": {
                "SRCROOT": { "uri": format!("file://{}/", uri_path(review.report.workspace_root.trim_end_matches('/'))) }
            },
            "results": results,
            // The verdict and how many findings block it, for CI scripts (the GitHub Action reads them).
            "properties": { "verdict": review.verdict.label(), "blocking": review.blocking.len() },
        }],
    })
}

/// `path` as the path of a URI (RFC 3986): every byte but unreserved characters and `/` percent-encoded, so
/// a file name with spaces, `#`, `%` or a newline is still one well-formed URI.
fn uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn result(f: &Finding, rule_index: usize, review: &Review) -> Value {
    let mut text = String::from(f.message.as_str());
    if let Some(why) = &f.why {
        text.push_str(" Why: ");
        text.push_str(why);
    }
    if let Some(impact) = &f.impact {
        text.push_str(" Impact: ");
        text.push_str(impact);
    }
    let mut value = json!({
        "ruleId": f.rule_id,
        "ruleIndex": rule_index,
        "level": level(f.severity),
        "message": { "text": text },
    });
    if let (Some(loc), Some(obj)) = (&f.location, value.as_object_mut()) {
        obj.insert(
            "locations".to_owned(),
            json!([{ "physicalLocation": {
                "artifactLocation": { "uri": uri_path(&loc.file), "uriBaseId": "SRCROOT" },
                "region": { "startLine": loc.line.max(1), "startColumn": loc.column.max(1) },
            }}]),
        );
    }
    if review.report.base.is_some()
        && let Some(obj) = value.as_object_mut()
    {
        let state = match f.baseline {
            Baseline::PreExisting => "unchanged",
            _ => "new",
        };
        obj.insert("baselineState".to_owned(), json!(state));
    }
    value
}

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Critical => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}
