//! A checklist template read from TOML: its items, what makes an answer a problem, and when an
//! item applies. A malformed file is refused with the line and the reason.

use super::condition::Condition;
use crate::i18n::tf;
use crate::model::visit::{NO, VisitKind, YES};
use serde::Deserialize;
use std::fmt;
use toml::Spanned;

/// A parsed checklist template.
#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    /// Stable code naming the checklist (`monthly`, `verify`, `secretary`…); a changed file
    /// with the same code is a new version of it.
    pub code: String,
    /// The version label the file gives itself.
    pub version: String,
    /// 名称, e.g. 帮扶干部每月入户走访.
    pub name: String,
    /// The visit kinds this checklist is used for.
    pub kinds: Vec<VisitKind>,
    /// The items, in order.
    pub items: Vec<Item>,
}

/// One checklist item.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// Stable code (answers are stored under it).
    pub code: String,
    /// 分组, e.g. 两不愁 or 基本医疗.
    pub group: String,
    /// The question.
    pub text: String,
    /// How it is answered.
    pub kind: ItemKind,
    /// Which answer is a problem.
    pub problem: ProblemRule,
    /// When it applies (always, without one).
    pub condition: Option<Condition>,
    /// A field of the visit this item also fills.
    pub role: Option<ItemRole>,
    /// Help shown beside it.
    pub help: String,
    /// Unit of a number, e.g. 元.
    pub unit: String,
}

/// How an item is answered.
#[derive(Debug, Clone, PartialEq)]
pub enum ItemKind {
    /// 是 / 否 / 不适用.
    YesNoNa,
    /// One of the given choices.
    Choice(Vec<String>),
    /// A number.
    Number,
    /// Free text.
    Text,
}

/// What makes an answer a problem.
#[derive(Debug, Clone, PartialEq)]
pub enum ProblemRule {
    /// Never a problem.
    Never,
    /// This answer (是, 否 or a choice).
    Answer(String),
    /// A number under this limit.
    Below(Limit),
}

/// The limit of a number item.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Limit {
    /// The village's 年人均纯收入 threshold.
    Threshold,
    /// A fixed value.
    Value(f64),
}

/// A visit field an item fills.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemRole {
    /// The number typed is the household's yearly net income: the per-capita income is computed
    /// from it and the members, and compared with the limit.
    HouseholdIncome,
    /// The choice is the visit's 满意度.
    Satisfaction,
}

/// Why a template file was refused: the line (1-based, when known) and the reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TemplateError {
    /// The line of the file.
    pub line: Option<usize>,
    /// One sentence in the UI language.
    pub reason: String,
}

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.line {
            Some(line) => {
                write!(f, "{}", tf("template.err.line", &[("line", &line.to_string()), ("reason", &self.reason)]))
            }
            None => write!(f, "{}", self.reason),
        }
    }
}

impl std::error::Error for TemplateError {}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawTemplate {
    code: Spanned<String>,
    version: Spanned<String>,
    name: Spanned<String>,
    kinds: Spanned<Vec<Spanned<String>>>,
    #[serde(default)]
    items: Vec<Spanned<RawItem>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawItem {
    code: Spanned<String>,
    group: Spanned<String>,
    text: Spanned<String>,
    kind: Spanned<String>,
    #[serde(default)]
    choices: Option<Spanned<Vec<String>>>,
    #[serde(default)]
    problem: Option<Spanned<String>>,
    #[serde(default)]
    problem_below: Option<Spanned<toml::Value>>,
    #[serde(default)]
    when: Option<Spanned<String>>,
    #[serde(default)]
    role: Option<Spanned<String>>,
    #[serde(default)]
    help: String,
    #[serde(default)]
    unit: String,
}

/// The largest template file read (the national monthly checklist is some 10 KB).
pub const MAX_BYTES: usize = 1 << 20;
/// The most items a template may hold.
pub const MAX_ITEMS: usize = 2_000;

/// The error for a template text over [`MAX_BYTES`].
pub fn too_large() -> TemplateError {
    TemplateError { line: None, reason: tf("template.err.too_large", &[("kb", &(MAX_BYTES >> 10).to_string())]) }
}

/// Reads a template from TOML text (within [`MAX_BYTES`] and [`MAX_ITEMS`]; work linear in
/// the text's length).
pub fn parse(text: &str) -> Result<Template, TemplateError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if text.len() > MAX_BYTES {
        return Err(too_large());
    }
    let raw: RawTemplate = toml::from_str(text).map_err(|e| TemplateError {
        line: e.span().map(|s| line_of(text, s.start)),
        reason: toml_reason(e.message()),
    })?;
    let err = |span: std::ops::Range<usize>, key: &str, args: &[(&str, &str)]| TemplateError {
        line: Some(line_of(text, span.start)),
        reason: tf(key, args),
    };
    let code = raw.code.get_ref().trim();
    if !is_code(code) {
        return Err(err(raw.code.span(), "template.err.code", &[("code", code)]));
    }
    for (field, value) in [("version", &raw.version), ("name", &raw.name)] {
        if value.get_ref().trim().is_empty() {
            return Err(err(value.span(), "template.err.empty", &[("field", field)]));
        }
    }
    let mut kinds = Vec::new();
    for k in raw.kinds.get_ref() {
        let kind = VisitKind::from_code(k.get_ref().trim())
            .ok_or_else(|| err(k.span(), "template.err.visit_kind", &[("kind", k.get_ref())]))?;
        kinds.push(kind);
    }
    if kinds.is_empty() {
        return Err(err(raw.kinds.span(), "template.err.no_kinds", &[]));
    }
    if raw.items.is_empty() {
        return Err(TemplateError { line: None, reason: tf("template.err.no_items", &[]) });
    }
    if raw.items.len() > MAX_ITEMS {
        let (n, max) = (raw.items.len().to_string(), MAX_ITEMS.to_string());
        return Err(TemplateError {
            line: None,
            reason: tf("template.err.too_many_items", &[("n", &n), ("max", &max)]),
        });
    }
    let mut items: Vec<Item> = Vec::with_capacity(raw.items.len());
    let mut codes = std::collections::HashSet::new();
    let mut roles = Vec::new();
    for spanned in raw.items {
        let raw_item = spanned.into_inner();
        let (code_span, role_span) = (raw_item.code.span(), raw_item.role.as_ref().map(|r| r.span()));
        let item = item(text, raw_item)?;
        if !codes.insert(item.code.clone()) {
            return Err(err(code_span, "template.err.duplicate", &[("code", &item.code)]));
        }
        if let (Some(role), Some(span)) = (item.role, role_span) {
            if roles.contains(&role) {
                return Err(err(span, "template.err.role_twice", &[("code", &item.code)]));
            }
            roles.push(role);
        }
        items.push(item);
    }
    Ok(Template {
        code: code.to_string(),
        version: raw.version.get_ref().trim().to_string(),
        name: raw.name.get_ref().trim().to_string(),
        kinds,
        items,
    })
}

fn item(text: &str, raw: RawItem) -> Result<Item, TemplateError> {
    let err = |span: std::ops::Range<usize>, key: &str, args: &[(&str, &str)]| TemplateError {
        line: Some(line_of(text, span.start)),
        reason: tf(key, args),
    };
    let code = raw.code.get_ref().trim().to_string();
    if !is_code(&code) {
        return Err(err(raw.code.span(), "template.err.code", &[("code", &code)]));
    }
    for (field, value) in [("group", &raw.group), ("text", &raw.text)] {
        if value.get_ref().trim().is_empty() {
            return Err(err(value.span(), "template.err.empty", &[("field", field)]));
        }
    }
    let kind = match raw.kind.get_ref().as_str() {
        "yes_no_na" => ItemKind::YesNoNa,
        "number" => ItemKind::Number,
        "text" => ItemKind::Text,
        "choice" => {
            let choices = raw.choices.as_ref().map(|c| c.get_ref().clone()).unwrap_or_default();
            if choices.len() < 2 || choices.iter().any(|c| c.trim().is_empty()) {
                let span = raw.choices.as_ref().map_or(raw.kind.span(), |c| c.span());
                return Err(err(span, "template.err.choices", &[("code", &code)]));
            }
            ItemKind::Choice(choices)
        }
        other => return Err(err(raw.kind.span(), "template.err.item_kind", &[("kind", other)])),
    };
    if let Some(c) = &raw.choices
        && !matches!(kind, ItemKind::Choice(_))
    {
        return Err(err(c.span(), "template.err.choices_not_choice", &[("code", &code)]));
    }
    let problem = match (&kind, &raw.problem, &raw.problem_below) {
        (_, Some(p), Some(_)) => return Err(err(p.span(), "template.err.two_rules", &[("code", &code)])),
        (_, None, None) => ProblemRule::Never,
        (ItemKind::YesNoNa, Some(p), None) if [YES, NO].contains(&p.get_ref().as_str()) => {
            ProblemRule::Answer(p.get_ref().clone())
        }
        (ItemKind::Choice(choices), Some(p), None) if choices.contains(p.get_ref()) => {
            ProblemRule::Answer(p.get_ref().clone())
        }
        (ItemKind::Number, None, Some(b)) => {
            ProblemRule::Below(limit(b).ok_or_else(|| err(b.span(), "template.err.limit", &[("code", &code)]))?)
        }
        (_, Some(p), None) => {
            return Err(err(p.span(), "template.err.problem", &[("code", &code), ("value", p.get_ref())]));
        }
        (_, None, Some(b)) => return Err(err(b.span(), "template.err.below_not_number", &[("code", &code)])),
    };
    let condition = match &raw.when {
        Some(w) => Some(
            Condition::from_key(w.get_ref().trim())
                .ok_or_else(|| err(w.span(), "template.err.when", &[("when", w.get_ref())]))?,
        ),
        None => None,
    };
    let role = match &raw.role {
        None => None,
        Some(r) => match (r.get_ref().as_str(), &kind) {
            ("household_income", ItemKind::Number) => Some(ItemRole::HouseholdIncome),
            ("satisfaction", ItemKind::Choice(_)) => Some(ItemRole::Satisfaction),
            (other, _) => return Err(err(r.span(), "template.err.role", &[("role", other)])),
        },
    };
    Ok(Item {
        code,
        group: raw.group.get_ref().trim().to_string(),
        text: raw.text.get_ref().trim().to_string(),
        kind,
        problem,
        condition,
        role,
        help: raw.help.trim().to_string(),
        unit: raw.unit.trim().to_string(),
    })
}

fn limit(v: &Spanned<toml::Value>) -> Option<Limit> {
    match v.get_ref() {
        toml::Value::String(s) if s == "threshold" => Some(Limit::Threshold),
        toml::Value::Integer(n) if *n >= 0 => Some(Limit::Value(*n as f64)),
        toml::Value::Float(n) if n.is_finite() && *n >= 0.0 => Some(Limit::Value(*n)),
        _ => None,
    }
}

/// Codes are ASCII letters, digits, `_`, `-` and `.`.
fn is_code(s: &str) -> bool {
    !s.is_empty() && s.chars().all(|c| c.is_ascii_alphanumeric() || "_-.".contains(c))
}

/// The 1-based line holding byte `offset`.
fn line_of(text: &str, offset: usize) -> usize {
    text.as_bytes().iter().take(offset).filter(|&&b| b == b'\n').count() + 1
}

/// The TOML reader's message in the UI language where it is a common one.
fn toml_reason(message: &str) -> String {
    let quoted = || message.split('`').nth(1).unwrap_or("").to_string();
    if message.starts_with("missing field") {
        tf("template.err.missing_field", &[("field", &quoted())])
    } else if message.starts_with("unknown field") {
        tf("template.err.unknown_field", &[("field", &quoted())])
    } else {
        tf("template.err.syntax", &[("detail", message.trim())])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"
code = "mini"
version = "1"
name = "小清单"
kinds = ["每月走访"]

[[items]]
code = "food"
group = "两不愁"
text = "吃穿不愁"
kind = "yes_no_na"
problem = "否"

[[items]]
code = "income"
group = "收入"
text = "家庭年纯收入"
kind = "number"
unit = "元"
role = "household_income"
problem_below = "threshold"

[[items]]
code = "sat"
group = "满意度"
text = "满意度"
kind = "choice"
choices = ["满意", "基本满意", "不满意"]
problem = "不满意"
role = "satisfaction"
when = "member_60_plus"
"#;

    fn refused(text: &str) -> TemplateError {
        parse(text).expect_err("should be refused")
    }

    #[test]
    fn a_valid_template_is_read() {
        let t = parse(GOOD).unwrap();
        assert_eq!((t.code.as_str(), t.items.len()), ("mini", 3));
        assert_eq!(t.kinds, vec![VisitKind::Monthly]);
        assert_eq!(t.items[0].problem, ProblemRule::Answer("否".into()));
        assert_eq!(t.items[1].problem, ProblemRule::Below(Limit::Threshold));
        assert_eq!(t.items[1].role, Some(ItemRole::HouseholdIncome));
        assert_eq!(t.items[2].condition, Some(Condition::Member60Plus));
        assert!(matches!(&t.items[2].kind, ItemKind::Choice(c) if c.len() == 3));
    }

    #[test]
    fn syntax_errors_name_their_line() {
        let e = refused(&GOOD.replace("text = \"吃穿不愁\"", "text = \"吃穿不愁"));
        assert_eq!(e.line, Some(10), "{e}");
        assert!(e.to_string().contains("第 10 行"), "{e}");
    }

    #[test]
    fn unknown_and_missing_fields_name_their_line() {
        let e = refused(&GOOD.replace("unit = \"元\"", "units = \"元\""));
        assert_eq!(e.line, Some(19), "{e}");
        assert!(e.reason.contains("units"), "{e}");
        let e = refused(&GOOD.replace("group = \"收入\"\n", ""));
        assert!(e.reason.contains("group"), "{e}");
        assert!(e.line.is_some(), "{e}");
    }

    #[test]
    fn meaning_errors_name_their_line() {
        let e = refused(&GOOD.replace("kind = \"yes_no_na\"", "kind = \"yesno\""));
        assert_eq!(e.line, Some(11));
        assert!(e.reason.contains("yesno"), "{e}");
        let e = refused(&GOOD.replace("problem = \"否\"", "problem = \"不知道\""));
        assert_eq!(e.line, Some(12));
        let e = refused(&GOOD.replace("when = \"member_60_plus\"", "when = \"has_cow\""));
        assert_eq!(e.line, Some(31));
        let e = refused(&GOOD.replace("code = \"income\"", "code = \"food\""));
        assert_eq!(e.line, Some(15), "the second item with the code: {e}");
        assert!(e.reason.contains("food"));
        let e = refused(&GOOD.replace("kinds = [\"每月走访\"]", "kinds = [\"每月走访\", \"散步\"]"));
        assert_eq!(e.line, Some(5));
        let e = refused(&GOOD.replace("problem_below = \"threshold\"", "problem_below = \"low\""));
        assert_eq!(e.line, Some(21));
        let e = refused(&GOOD.replace("role = \"satisfaction\"", "role = \"household_income\""));
        assert_eq!(e.line, Some(30));
    }
}
