//! One checklist item in the visit form: its question, the answer widget (large toggles for
//! 是/否/不适用 and choices, a field for numbers and text), the per-capita income, and — when the
//! answer is a problem — a red background and a field for 情况说明.

use super::widgets::ERROR;
use crate::checklist::{Applies, Context, Item, ItemKind, ItemRole, ProblemRule};
use crate::i18n::{t, tf};
use crate::model::visit::{Answer, NO, NOT_APPLICABLE, Visit, YES, parse_amount, per_capita};
use egui::{Color32, Key, Modifiers, Response, RichText, Ui, WidgetInfo};

/// What the keyboard asked for after an item was drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ItemOutcome {
    /// Stay where focus is.
    Stay,
    /// Move on to the next item.
    Next,
}

/// Width of the question column.
const QUESTION_WIDTH: f32 = 470.0;
/// The light red behind a problem answer.
const PROBLEM_FILL: Color32 = Color32::from_rgb(253, 226, 226);
/// The narrowest 情况说明 field: below this it wraps under the answer instead.
const NOTE_MIN_WIDTH: f32 = 260.0;
/// Keys that pick the first, second… toggle.
const PICK_KEYS: [Key; 5] = [Key::Num1, Key::Num2, Key::Num3, Key::Num4, Key::Num5];

/// The answer to `item` in the visit, added empty when missing.
fn answer_mut<'a>(visit: &'a mut Visit, item: &str) -> &'a mut Answer {
    let i = match visit.answers.iter().position(|a| a.item == item) {
        Some(i) => i,
        None => {
            visit.answers.push(Answer { item: item.to_string(), ..Answer::default() });
            visit.answers.len() - 1
        }
    };
    &mut visit.answers[i]
}

/// Draws one item; `focus` gives its answer widget the keyboard focus.
pub fn item_row(
    ui: &mut Ui,
    item: &Item,
    applies: Applies,
    visit: &mut Visit,
    ctx: Context,
    focus: bool,
) -> ItemOutcome {
    let answer = answer_mut(visit, &item.code);
    let problem = applies != Applies::No && item.is_problem(&answer.value, ctx);
    let mut outcome = ItemOutcome::Stay;
    egui::Frame::new()
        .fill(if problem { PROBLEM_FILL } else { Color32::TRANSPARENT })
        .inner_margin(egui::Margin::symmetric(6, 3))
        .corner_radius(4.0)
        .show(ui, |ui| {
            ui.horizontal_wrapped(|ui| {
                let question = ui.allocate_ui_with_layout(
                    egui::vec2(QUESTION_WIDTH, 0.0),
                    egui::Layout::top_down(egui::Align::Min),
                    |ui| {
                        ui.set_width(QUESTION_WIDTH);
                        let text = RichText::new(&item.text).size(15.0);
                        let q =
                            ui.add(egui::Label::new(if problem { text.color(ERROR).strong() } else { text }).wrap());
                        let id = q.id;
                        if !item.help.is_empty() {
                            q.on_hover_text(&item.help);
                        }
                        if let Some(c) = item.condition {
                            let key = format!("cond.{}", c.key());
                            ui.label(RichText::new(t(&key)).weak().small());
                        }
                        id
                    },
                );
                let question = question.inner;
                if applies == Applies::No {
                    ui.label(RichText::new(crate::i18n::value(NOT_APPLICABLE)).weak());
                    return;
                }
                let bad = match &item.problem {
                    ProblemRule::Answer(a) => Some(a.as_str()),
                    _ => None,
                };
                outcome = match &item.kind {
                    ItemKind::YesNoNa => {
                        toggles(ui, &item.text, &[YES, NO, NOT_APPLICABLE], bad, &mut answer.value, focus)
                    }
                    ItemKind::Choice(choices) => {
                        let options: Vec<&str> = choices.iter().map(String::as_str).collect();
                        toggles(ui, &item.text, &options, bad, &mut answer.value, focus)
                    }
                    ItemKind::Number => {
                        let r = field(ui, question, &mut answer.value, 110.0, focus);
                        ui.label(&item.unit);
                        if item.role == Some(ItemRole::HouseholdIncome) {
                            income_note(ui, &answer.value, ctx);
                        }
                        r
                    }
                    ItemKind::Text => field(ui, question, &mut answer.value, 360.0, focus),
                };
                if problem {
                    // Beside the answer when the line has room for a readable field, else on a
                    // line of its own under the question (a small screen).
                    let rest = ui.max_rect().right() - ui.cursor().min.x;
                    if rest < NOTE_MIN_WIDTH + super::widgets::text_width(ui, t("visit.note")) {
                        ui.end_row();
                    }
                    if note(ui, &item.code, &mut answer.note) {
                        outcome = ItemOutcome::Next;
                    }
                }
            });
        });
    outcome
}

/// The 情况说明 of a problem answer: as wide as the row allows and growing with the text. Tab
/// (or Enter) from it moves on to the next item, as 1/2/3 do from the toggles; true then.
fn note(ui: &mut Ui, item: &str, text: &mut String) -> bool {
    let id = ui.make_persistent_id(("visit-note", item));
    let had_focus = ui.memory(|m| m.has_focus(id));
    let next = had_focus
        && ui.input_mut(|i| i.consume_key(Modifiers::NONE, Key::Tab) || i.consume_key(Modifiers::NONE, Key::Enter));
    ui.horizontal_wrapped(|ui| {
        let l = ui.label(RichText::new(t("visit.note")).color(ERROR));
        // What is left of this line (a wrapping row's available width is the whole row's); when
        // that is too narrow the field takes the next line whole.
        let rest = ui.max_rect().right() - ui.cursor().min.x - ui.spacing().item_spacing.x;
        let width = if rest >= NOTE_MIN_WIDTH { rest } else { ui.max_rect().width() };
        ui.add(
            egui::TextEdit::multiline(text).id(id).hint_text(t("visit.note_hint")).desired_rows(1).desired_width(width),
        )
        .labelled_by(l.id);
    });
    if next {
        ui.memory_mut(|m| m.surrender_focus(id));
    }
    next
}

/// Large toggles, one per option; 1, 2, 3… pick an option and move on while one has focus.
/// The option that makes the item a problem (`bad`) is marked before it is chosen: red, with a
/// warning sign and a tooltip, so an answer given by rhythm cannot turn into a problem unseen.
fn toggles(
    ui: &mut Ui,
    question: &str,
    options: &[&str],
    bad: Option<&str>,
    value: &mut String,
    focus: bool,
) -> ItemOutcome {
    let mut responses: Vec<Response> = Vec::with_capacity(options.len());
    for option in options {
        let selected = value == option;
        let shown = crate::i18n::value(option);
        let is_bad = bad == Some(*option);
        let text = if is_bad {
            RichText::new(format!("{shown} ⚠")).size(16.0).color(ERROR).strong()
        } else {
            RichText::new(shown).size(16.0)
        };
        let mut button =
            egui::Button::selectable(selected, text).frame_when_inactive(true).min_size(egui::vec2(64.0, 30.0));
        if is_bad {
            button = button.stroke(egui::Stroke::new(1.5, ERROR));
        }
        let mut r = ui.add(button);
        if is_bad {
            r = r.on_hover_text(t("visit.problem_answer"));
        }
        let name = if is_bad {
            format!("{question}：{shown}{}", t("visit.problem_mark"))
        } else {
            format!("{question}：{shown}")
        };
        r.widget_info(|| WidgetInfo::selected(egui::Role::RadioButton, true, selected, &name));
        if r.clicked() {
            *value = option.to_string();
        }
        responses.push(r);
    }
    if focus && let Some(first) = responses.first() {
        first.request_focus();
        first.scroll_to_me(Some(egui::Align::Center));
    }
    if responses.iter().any(Response::has_focus) {
        for (option, key) in options.iter().zip(PICK_KEYS) {
            if ui.input_mut(|i| i.consume_key(Modifiers::NONE, key)) {
                *value = option.to_string();
                return ItemOutcome::Next;
            }
        }
    }
    ItemOutcome::Stay
}

/// A one-line field named by the question; Enter moves on.
fn field(ui: &mut Ui, question: egui::Id, value: &mut String, width: f32, focus: bool) -> ItemOutcome {
    let r = ui.add(egui::TextEdit::singleline(value).desired_width(width)).labelled_by(question);
    if focus {
        r.request_focus();
        r.scroll_to_me(Some(egui::Align::Center));
    }
    if r.lost_focus() && ui.input(|i| i.key_pressed(Key::Enter)) { ItemOutcome::Next } else { ItemOutcome::Stay }
}

/// 年人均纯收入 from the household income typed, flagged under the village threshold.
fn income_note(ui: &mut Ui, typed: &str, ctx: Context) {
    let Some(income) = parse_amount(typed) else {
        if !typed.trim().is_empty() {
            ui.label(RichText::new(t("visit.income_unreadable")).color(ERROR));
        }
        return;
    };
    let Some(pc) = per_capita(income, ctx.members) else { return };
    let text = tf("visit.per_capita", &[("amount", &format!("{pc:.0}")), ("n", &ctx.members.to_string())]);
    if pc < ctx.threshold {
        let below = tf("visit.below", &[("threshold", &format!("{:.0}", ctx.threshold))]);
        whole_label(ui, RichText::new(format!("{text} {below}")).color(ERROR).strong());
    } else {
        whole_label(ui, RichText::new(text).color(super::widgets::OK));
    }
}

/// A label kept in one piece: it starts the next line when the rest of this one is too short
/// (a warning split under the question would read as part of it).
fn whole_label(ui: &mut Ui, text: RichText) {
    let rest = ui.max_rect().right() - ui.cursor().min.x;
    if super::widgets::text_width(ui, text.clone()) > rest {
        ui.end_row();
    }
    ui.label(text);
}
