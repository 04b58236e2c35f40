//! The frameworks a model is checked against, as data: one JSON file per framework in
//! `assets/frameworks/` (id, version, source, date, jurisdiction, controls with the evidence that
//! satisfies each and the rule for which models it applies to), and `classification.json` (the
//! purposes and their AI Act class, the personal-data vocabulary, which frameworks each
//! jurisdiction brings). The files ship inside the binary; an organisation replaces one — its own
//! model-risk policy in place of `internal.json`, say — by loading a file with the same id into
//! the portfolio (`governance framework load FILE`).

use std::collections::{BTreeMap, HashSet};
use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::classify::{ModelFacts, RiskClass};
use crate::domain::{AiActRole, Purpose};
use crate::error::{Error, Result};

/// The files shipped with this build, by name.
pub const SHIPPED: &[(&str, &str)] = &[
    ("eu-ai-act.json", include_str!("../../assets/frameworks/eu-ai-act.json")),
    ("gdpr.json", include_str!("../../assets/frameworks/gdpr.json")),
    ("ccpa.json", include_str!("../../assets/frameworks/ccpa.json")),
    ("internal.json", include_str!("../../assets/frameworks/internal.json")),
];
const CLASSIFICATION: &str = include_str!("../../assets/frameworks/classification.json");

/// One framework file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Framework {
    /// `eu-ai-act`, `gdpr`, `ccpa`, `internal`, or an organisation's own.
    pub id: String,
    pub title: String,
    /// The text the controls were checked against.
    pub version: String,
    pub source: String,
    pub date: NaiveDate,
    /// `eu`, `us-ca`; none: applies wherever the portfolio is.
    #[serde(default)]
    pub jurisdiction: Option<String>,
    /// When the framework applies to a model at all; always when absent.
    #[serde(default)]
    pub applies: Rule,
    pub controls: Vec<Control>,
}

/// One control: what must be in place, the article behind it, and what evidence satisfies it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Control {
    pub id: String,
    pub title: String,
    pub reference: String,
    pub evidence: String,
    /// Which models it applies to, beyond the framework's own rule; all when absent.
    #[serde(default)]
    pub applies: Rule,
}

/// Which models a framework or control applies to: every key given must hold.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Rule {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub risk_class: Option<Vec<RiskClass>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub role: Option<AiActRole>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub purpose: Option<Vec<Purpose>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub decides_about_people: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub interacts_with_people: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub generates_content: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub personal_data: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub special_category_data: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub has_vendors: Option<bool>,
    /// At least one of these holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub any: Option<Vec<Rule>>,
}

impl Rule {
    /// Whether the model described by `facts` meets the rule. An unanswered question counts as
    /// "no" here; a model with unanswered questions is unclassified and cannot be promoted anyway.
    pub fn holds(&self, facts: &ModelFacts) -> bool {
        let flag = |wanted: Option<bool>, actual: Option<bool>| wanted.is_none_or(|w| actual.unwrap_or(false) == w);
        self.risk_class.as_ref().is_none_or(|classes| classes.contains(&facts.risk_class))
            && self.role.is_none_or(|role| facts.role == Some(role))
            && self.purpose.as_ref().is_none_or(|purposes| facts.purpose.is_some_and(|p| purposes.contains(&p)))
            && flag(self.decides_about_people, facts.decides_about_people)
            && flag(self.interacts_with_people, facts.interacts_with_people)
            && flag(self.generates_content, facts.generates_content)
            && flag(self.personal_data, Some(facts.personal_data))
            && flag(self.special_category_data, Some(facts.special_category_data))
            && flag(self.has_vendors, Some(facts.has_vendors))
            && self.any.as_ref().is_none_or(|rules| rules.iter().any(|r| r.holds(facts)))
    }
}

/// A purpose in `classification.json`: its AI Act class and the article behind it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct PurposeRule {
    pub class: Option<RiskClass>,
    pub reference: Option<String>,
    pub label: String,
}

/// `classification.json`: the rules that turn a model's answers into a class and a set of laws.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, ts_rs::TS)]
#[serde(deny_unknown_fields)]
#[ts(export)]
pub struct Vocabulary {
    pub version: String,
    pub date: NaiveDate,
    pub purposes: BTreeMap<Purpose, PurposeRule>,
    /// The answers that make a model `limited` (transparency duties), with their article.
    pub limited: BTreeMap<String, String>,
    pub minimal_reference: String,
    pub personal_data: Vec<String>,
    pub special_categories: Vec<String>,
    pub special_categories_reference: String,
    pub not_personal: Vec<String>,
    pub gdpr_dpia_reference: String,
    pub gdpr_art22_reference: String,
    /// The frameworks each jurisdiction brings (`eu` → `eu-ai-act`, `gdpr`).
    pub jurisdictions: BTreeMap<String, Vec<String>>,
}

/// Every framework that applies in this portfolio, and the classification vocabulary.
#[derive(Debug, Clone, PartialEq)]
pub struct Frameworks {
    pub list: Vec<Framework>,
    pub vocabulary: Vocabulary,
}

impl Frameworks {
    /// The frameworks shipped with this build (parsed once).
    pub fn shipped() -> &'static Frameworks {
        static SHIPPED_FRAMEWORKS: OnceLock<Frameworks> = OnceLock::new();
        SHIPPED_FRAMEWORKS.get_or_init(|| {
            let list = SHIPPED
                .iter()
                .map(|(name, text)| parse(text).unwrap_or_else(|e| panic!("shipped framework {name}: {e}")))
                .collect();
            let vocabulary =
                serde_json::from_str(CLASSIFICATION).unwrap_or_else(|e| panic!("shipped classification.json: {e}"));
            Frameworks { list, vocabulary }
        })
    }

    /// The shipped frameworks with the portfolio's loaded files in place of (or beside) them.
    pub fn for_portfolio(conn: &rusqlite::Connection) -> Result<Frameworks> {
        let loaded = crate::store::governance::loaded_frameworks(conn)?;
        let mut frameworks = Frameworks::shipped().clone();
        for (id, body) in loaded {
            let framework = parse(&body)
                .map_err(|e| Error::Storage(format!("the framework `{id}` loaded into this portfolio: {e}")))?;
            match frameworks.list.iter_mut().find(|f| f.id == framework.id) {
                Some(slot) => *slot = framework,
                None => frameworks.list.push(framework),
            }
        }
        Ok(frameworks)
    }

    pub fn get(&self, id: &str) -> Option<&Framework> {
        self.list.iter().find(|f| f.id == id)
    }

    /// The frameworks that apply in `jurisdictions`: each jurisdiction's, then those that
    /// apply everywhere (no jurisdiction), in file order.
    pub fn in_force<'a>(&'a self, jurisdictions: &[String]) -> Vec<&'a Framework> {
        let named: HashSet<&str> = jurisdictions
            .iter()
            .filter_map(|j| self.vocabulary.jurisdictions.get(j))
            .flatten()
            .map(String::as_str)
            .collect();
        self.list.iter().filter(|f| f.jurisdiction.is_none() || named.contains(f.id.as_str())).collect()
    }

    /// The jurisdiction words this build knows.
    pub fn known_jurisdictions(&self) -> Vec<&str> {
        self.vocabulary.jurisdictions.keys().map(String::as_str).collect()
    }
}

/// Reads one framework file and checks what serde cannot: ids present and unique, dates given.
pub fn parse(text: &str) -> std::result::Result<Framework, String> {
    let framework: Framework = serde_path_to_error::deserialize(&mut serde_json::Deserializer::from_str(text))
        .map_err(|e| format!("at `{}`: {}", e.path(), e.inner()))?;
    let valid_id =
        |id: &str| !id.is_empty() && id.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    if !valid_id(&framework.id) {
        return Err(format!("id `{}` must be lowercase letters, digits and dashes", framework.id));
    }
    if framework.controls.is_empty() {
        return Err("it has no controls".into());
    }
    let mut seen = HashSet::new();
    for (i, control) in framework.controls.iter().enumerate() {
        if !valid_id(&control.id) {
            return Err(format!("controls[{i}]: id `{}` must be lowercase letters, digits and dashes", control.id));
        }
        if !seen.insert(control.id.as_str()) {
            return Err(format!("controls[{i}]: the id `{}` is used twice", control.id));
        }
        if control.title.trim().is_empty() || control.evidence.trim().is_empty() {
            return Err(format!("controls[{i}] ({}): needs a title and the evidence that satisfies it", control.id));
        }
    }
    Ok(framework)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_files_parse_with_unique_control_ids_across_frameworks() {
        let shipped = Frameworks::shipped();
        let ids: Vec<&str> = shipped.list.iter().map(|f| f.id.as_str()).collect();
        assert_eq!(ids, ["eu-ai-act", "gdpr", "ccpa", "internal"]);
        let mut seen = HashSet::new();
        for control in shipped.list.iter().flat_map(|f| &f.controls) {
            assert!(seen.insert(control.id.clone()), "{} is in two frameworks", control.id);
        }
        // Every purpose word has a rule, and every jurisdiction names shipped frameworks.
        for purpose in Purpose::ALL {
            assert!(shipped.vocabulary.purposes.contains_key(purpose), "{purpose}");
        }
        for id in shipped.vocabulary.jurisdictions.values().flatten() {
            assert!(shipped.get(id).is_some(), "{id}");
        }
    }

    #[test]
    fn a_bad_file_is_refused_with_the_place() {
        let err = parse(r#"{"id":"x","title":"X","version":"1","source":"s","date":"2026-01-01","controls":[{"id":"a","title":"A","reference":"r","evidence":"e","applies":{"colour":"red"}}]}"#).unwrap_err();
        assert!(err.contains("controls[0].applies") && err.contains("colour"), "{err}");
        let err = parse(r#"{"id":"x","title":"X","version":"1","source":"s","date":"2026-01-01","controls":[{"id":"a","title":"A","reference":"r","evidence":"e"},{"id":"a","title":"B","reference":"r","evidence":"e"}]}"#).unwrap_err();
        assert!(err.contains("used twice"), "{err}");
    }
}
