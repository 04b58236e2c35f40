//! Classification: a model's answers to the questionnaire, read by the rules of
//! `classification.json`, give its EU AI Act risk class and the frameworks that apply to it,
//! each with the answer and the article behind it.
//!
//! - AI Act: a prohibited purpose (Art. 5) → `prohibited`; an Annex III purpose → `high`;
//!   otherwise interacting with people or generating content → `limited` (Art. 50); else
//!   `minimal`. A model missing any answer is `unclassified` (and cannot be promoted) — unless its
//!   purpose is already prohibited.
//! - Personal data is a named vocabulary (GDPR's special categories count as personal); a data
//!   category outside the vocabulary is reported, and not counted as personal.
//! - Which frameworks apply follows the portfolio's jurisdictions; GDPR and CCPA/CPRA need
//!   personal data (each framework file's own rule); the internal policy always applies.

use serde::{Deserialize, Serialize};

use super::frameworks::Frameworks;
use crate::domain::{AiActRole, Model, Purpose};

/// The EU AI Act's tiers, and `unclassified` for a model whose questionnaire is incomplete.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, ts_rs::TS)]
#[serde(rename_all = "snake_case")]
#[ts(export)]
pub enum RiskClass {
    Prohibited,
    High,
    Limited,
    Minimal,
    Unclassified,
}

impl RiskClass {
    pub const ALL: [RiskClass; 5] =
        [RiskClass::Prohibited, RiskClass::High, RiskClass::Limited, RiskClass::Minimal, RiskClass::Unclassified];

    pub fn as_str(self) -> &'static str {
        match self {
            RiskClass::Prohibited => "prohibited",
            RiskClass::High => "high",
            RiskClass::Limited => "limited",
            RiskClass::Minimal => "minimal",
            RiskClass::Unclassified => "unclassified",
        }
    }

    /// How many named approvers a promotion needs (none: never promoted).
    pub fn approvers_needed(self) -> Option<usize> {
        match self {
            RiskClass::Prohibited | RiskClass::Unclassified => None,
            RiskClass::High => Some(2),
            RiskClass::Limited | RiskClass::Minimal => Some(1),
        }
    }
}

impl std::fmt::Display for RiskClass {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the rules of the framework files read about a model.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModelFacts {
    pub risk_class: RiskClass,
    pub role: Option<AiActRole>,
    pub purpose: Option<Purpose>,
    pub decides_about_people: Option<bool>,
    pub interacts_with_people: Option<bool>,
    pub generates_content: Option<bool>,
    pub personal_data: bool,
    pub special_category_data: bool,
    /// The model uses at least one vendor's contract (a processor).
    pub has_vendors: bool,
}

/// One step of the reasoning: the answer, the article behind it, and what it means.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Reason {
    /// `purpose = employment`.
    pub answer: String,
    /// `AI Act Annex III point 4`.
    pub reference: String,
    /// `high risk: employment, workers management and access to self-employment`.
    pub says: String,
}

/// `governance classify MODEL`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ts_rs::TS)]
#[ts(export)]
pub struct Classification {
    pub model: String,
    pub model_id: i64,
    pub risk_class: RiskClass,
    pub reasons: Vec<Reason>,
    /// The ids of the frameworks that apply (`eu-ai-act`, `gdpr`, `ccpa`, `internal`).
    pub frameworks: Vec<String>,
    /// The questions still to answer (an unclassified model's).
    pub unanswered: Vec<String>,
}

/// Classifies `model` under `frameworks` in `jurisdictions`; `has_vendors` says whether a
/// vendor's contract is linked to it. Returns the facts the control rules read as well.
pub fn classify(
    frameworks: &Frameworks,
    jurisdictions: &[String],
    model_id: i64,
    model: &Model,
    has_vendors: bool,
) -> (Classification, ModelFacts) {
    let vocabulary = &frameworks.vocabulary;
    let mut reasons = Vec::new();
    let unanswered: Vec<String> = [
        ("purpose", model.purpose.is_none()),
        ("decides_about_people", model.decides_about_people.is_none()),
        ("interacts_with_people", model.interacts_with_people.is_none()),
        ("generates_content", model.generates_content.is_none()),
        ("ai_act_role", model.ai_act_role.is_none()),
    ]
    .into_iter()
    .filter(|(_, missing)| *missing)
    .map(|(question, _)| question.to_owned())
    .collect();

    let purpose_rule = model.purpose.and_then(|p| vocabulary.purposes.get(&p));
    let purpose_class = purpose_rule.and_then(|r| r.class);
    let risk_class = if purpose_class == Some(RiskClass::Prohibited) {
        RiskClass::Prohibited
    } else if !unanswered.is_empty() {
        RiskClass::Unclassified
    } else if let Some(class) = purpose_class {
        class
    } else if model.interacts_with_people == Some(true) || model.generates_content == Some(true) {
        RiskClass::Limited
    } else {
        RiskClass::Minimal
    };

    let eu = jurisdictions
        .iter()
        .any(|j| vocabulary.jurisdictions.get(j).is_some_and(|ids| ids.iter().any(|i| i == "eu-ai-act")));
    match risk_class {
        RiskClass::Unclassified => reasons.push(Reason {
            answer: format!("unanswered: {}", unanswered.join(", ")),
            reference: "classification questionnaire".into(),
            says: "unclassified until every question is answered; it cannot be promoted to production".into(),
        }),
        RiskClass::Prohibited | RiskClass::High => {
            let (Some(purpose), Some(rule)) = (model.purpose, purpose_rule) else {
                unreachable!("a class from a purpose")
            };
            reasons.push(Reason {
                answer: format!("purpose = {purpose}"),
                reference: rule.reference.clone().unwrap_or_default(),
                says: format!("{} risk: {}", risk_class, rule.label),
            });
        }
        RiskClass::Limited => {
            for (question, answer) in
                [("interacts_with_people", model.interacts_with_people), ("generates_content", model.generates_content)]
            {
                if answer == Some(true) {
                    let reference = vocabulary.limited.get(question).cloned().unwrap_or_default();
                    reasons.push(Reason {
                        answer: format!("{question} = yes"),
                        reference,
                        says: "limited risk: transparency duties".into(),
                    });
                }
            }
        }
        RiskClass::Minimal => reasons.push(Reason {
            answer: format!(
                "purpose = {}; no interaction with people; no generated content",
                model.purpose.map_or("none", Purpose::as_str)
            ),
            reference: vocabulary.minimal_reference.clone(),
            says: "minimal risk".into(),
        }),
    }
    if !eu && risk_class != RiskClass::Unclassified {
        reasons.push(Reason {
            answer: format!("jurisdictions = {}", jurisdictions.join(",")),
            reference: "portfolio settings".into(),
            says: "the AI Act class is shown for reference: the EU is not among this portfolio's jurisdictions".into(),
        });
    }

    // Personal data, by the vocabulary.
    let is_in = |list: &[String], category: &str| list.iter().any(|c| c.eq_ignore_ascii_case(category));
    let categories: Vec<String> = model.data_categories.iter().map(|c| c.trim().to_ascii_lowercase()).collect();
    let special: Vec<&str> =
        categories.iter().filter(|c| is_in(&vocabulary.special_categories, c)).map(String::as_str).collect();
    let personal: Vec<&str> = categories
        .iter()
        .filter(|c| is_in(&vocabulary.personal_data, c) || is_in(&vocabulary.special_categories, c))
        .map(String::as_str)
        .collect();
    let unknown: Vec<&str> = categories
        .iter()
        .filter(|c| {
            !is_in(&vocabulary.personal_data, c)
                && !is_in(&vocabulary.special_categories, c)
                && !is_in(&vocabulary.not_personal, c)
        })
        .map(String::as_str)
        .collect();
    if !personal.is_empty() {
        reasons.push(Reason {
            answer: format!("data_categories include {}", personal.join(", ")),
            reference: "GDPR Art. 4(1); CCPA §1798.140(v)".into(),
            says: "personal data: data-protection law applies".into(),
        });
    }
    if !special.is_empty() {
        reasons.push(Reason {
            answer: format!("data_categories include {}", special.join(", ")),
            reference: vocabulary.special_categories_reference.clone(),
            says: "special-category data: a condition of Art. 9(2) and a DPIA are needed".into(),
        });
    }
    if !unknown.is_empty() {
        reasons.push(Reason {
            answer: format!("data_categories include {}", unknown.join(", ")),
            reference: "classification.json".into(),
            says: "not in the personal-data vocabulary, so not counted as personal; use the vocabulary's words".into(),
        });
    }
    if model.decides_about_people == Some(true) {
        reasons.push(Reason {
            answer: "decides_about_people = yes".into(),
            reference: format!("{}; {}", vocabulary.gdpr_art22_reference, vocabulary.gdpr_dpia_reference),
            says: "automated decisions about people: Art. 22 safeguards and a DPIA where personal data is used".into(),
        });
    }

    let facts = ModelFacts {
        risk_class,
        role: model.ai_act_role,
        purpose: model.purpose,
        decides_about_people: model.decides_about_people,
        interacts_with_people: model.interacts_with_people,
        generates_content: model.generates_content,
        personal_data: !personal.is_empty(),
        special_category_data: !special.is_empty(),
        has_vendors,
    };
    let applying = frameworks.in_force(jurisdictions).into_iter().filter(|f| f.applies.holds(&facts));
    let classification = Classification {
        model: model.name.clone(),
        model_id,
        risk_class,
        reasons,
        frameworks: applying.map(|f| f.id.clone()).collect(),
        unanswered,
    };
    (classification, facts)
}
