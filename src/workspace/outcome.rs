//! Call and task outcomes: the fixed system outcomes (with side effects and translated labels)
//! and the custom ones administrators add (no side effects).

use serde::Serialize;

use crate::config::Language;

/// The system outcomes, in the order the wrap-up form offers them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum SystemOutcome {
    /// An order was taken (set automatically when an order is saved on the call).
    OrderPlaced,
    /// The client asked to be called back at a given time: creates a callback task.
    CallbackRequested,
    /// For callbacks and proactive calls: no answer or voicemail. The task comes back later.
    NotReached,
    /// The client only wanted information.
    Information,
    /// A complaint.
    Complaint,
    /// Somebody dialled the wrong number.
    WrongNumber,
    /// Spam: adds the number to the block list (after confirmation).
    Spam,
    /// Anything else (say what in the note).
    Other,
}

/// Every system outcome, in form order.
pub const ALL: [SystemOutcome; 8] = [
    SystemOutcome::OrderPlaced,
    SystemOutcome::CallbackRequested,
    SystemOutcome::NotReached,
    SystemOutcome::Information,
    SystemOutcome::Complaint,
    SystemOutcome::WrongNumber,
    SystemOutcome::Spam,
    SystemOutcome::Other,
];

impl SystemOutcome {
    /// The stored code.
    pub fn code(self) -> &'static str {
        match self {
            SystemOutcome::OrderPlaced => "order_placed",
            SystemOutcome::CallbackRequested => "callback_requested",
            SystemOutcome::NotReached => "not_reached",
            SystemOutcome::Information => "information",
            SystemOutcome::Complaint => "complaint",
            SystemOutcome::WrongNumber => "wrong_number",
            SystemOutcome::Spam => "spam",
            SystemOutcome::Other => "other",
        }
    }

    /// Parses a stored code.
    pub fn parse(code: &str) -> Option<Self> {
        ALL.into_iter().find(|o| o.code() == code)
    }

    /// The label in a language.
    pub fn label(self, lang: Language) -> &'static str {
        use SystemOutcome::*;
        match (lang, self) {
            (Language::En, OrderPlaced) => "Order placed",
            (Language::En, CallbackRequested) => "Callback requested",
            (Language::En, NotReached) => "Not reached",
            (Language::En, Information) => "Information only",
            (Language::En, Complaint) => "Complaint",
            (Language::En, WrongNumber) => "Wrong number",
            (Language::En, Spam) => "Spam",
            (Language::En, Other) => "Other",
            (Language::Ru, OrderPlaced) => "Оформлен заказ",
            (Language::Ru, CallbackRequested) => "Просил перезвонить",
            (Language::Ru, NotReached) => "Не дозвонились",
            (Language::Ru, Information) => "Только информация",
            (Language::Ru, Complaint) => "Жалоба",
            (Language::Ru, WrongNumber) => "Ошиблись номером",
            (Language::Ru, Spam) => "Спам",
            (Language::Ru, Other) => "Другое",
        }
    }

    /// Whether this outcome means the client was reached (closes a task).
    pub fn reached(self) -> bool {
        !matches!(self, SystemOutcome::NotReached)
    }
}

/// An outcome as chosen: a system one or the code of a custom one.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// Fixed, with side effects.
    System(SystemOutcome),
    /// Added by an administrator.
    Custom(String),
}

impl Outcome {
    /// The stored code.
    pub fn code(&self) -> &str {
        match self {
            Outcome::System(s) => s.code(),
            Outcome::Custom(c) => c,
        }
    }
}

/// The label of a stored code: a system label, a custom label, or the code itself.
pub fn label_of(
    code: &str,
    lang: Language,
    custom: &[crate::db::wrapups::CustomOutcome],
) -> String {
    match SystemOutcome::parse(code) {
        Some(s) => s.label(lang).to_owned(),
        None => custom
            .iter()
            .find(|c| c.code == code)
            .map_or_else(|| code.to_owned(), |c| c.label.clone()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_every_outcome_has_both_labels() {
        for o in ALL {
            assert_eq!(SystemOutcome::parse(o.code()), Some(o));
            assert!(!o.label(Language::En).is_empty());
            assert_ne!(o.label(Language::En), o.label(Language::Ru));
        }
        assert_eq!(SystemOutcome::parse("order placed"), None);
    }

    #[test]
    fn only_not_reached_leaves_a_task_open() {
        assert!(!SystemOutcome::NotReached.reached());
        assert!(SystemOutcome::Information.reached());
    }
}
