//! The words on the pages, in English and Russian: shared texts here, the operator's pages in
//! `desk`, the manager's in `manager` and `base` (client base, outbound), administration in
//! `admin`, KPI names, formulas and chart words in `kpi`. Templates with places take
//! `{0}`, `{1}` (see `domain::text::fill`), so each language keeps its own word order.

/// A struct of texts, one line per text: the field name, the English, the Russian; with the
/// `texts(lang)` that picks the table.
macro_rules! page_texts {
    ($(#[$doc:meta])* $ty:ident { $($name:ident: $en:expr, $ru:expr;)* }) => {
        $(#[$doc])*
        pub struct $ty { $(#[doc = $en] pub $name: &'static str,)* }
        const EN: $ty = $ty { $($name: $en,)* };
        const RU: $ty = $ty { $($name: $ru,)* };
        /// The texts for a language.
        pub fn texts(lang: $crate::config::Language) -> &'static $ty {
            match lang {
                $crate::config::Language::En => &EN,
                $crate::config::Language::Ru => &RU,
            }
        }
    };
}

pub mod admin;
pub mod base;
pub mod desk;
pub mod errors;
pub mod kpi;
pub mod manager;

use crate::config::Language;

/// Texts of the shared pages.
pub struct Texts {
    /// "Sign in".
    pub sign_in: &'static str,
    /// "Sign out".
    pub sign_out: &'static str,
    /// "Login".
    pub login: &'static str,
    /// "Password".
    pub password: &'static str,
    /// "Wrong login or password".
    pub bad_credentials: &'static str,
    /// "Too many attempts".
    pub too_many: &'static str,
    /// "Welcome".
    pub welcome: &'static str,
    /// "Extension".
    pub extension: &'static str,
    /// "Clients in the base".
    pub clients_in_base: &'static str,
}

const EN: Texts = Texts {
    sign_in: "Sign in",
    sign_out: "Sign out",
    login: "Login",
    password: "Password",
    bad_credentials: "Wrong login or password.",
    too_many: "Too many attempts. Wait a minute and try again.",
    welcome: "Welcome",
    extension: "ext.",
    clients_in_base: "Clients in the base",
};

const RU: Texts = Texts {
    sign_in: "Вход",
    sign_out: "Выйти",
    login: "Логин",
    password: "Пароль",
    bad_credentials: "Неверный логин или пароль.",
    too_many: "Слишком много попыток. Подождите минуту и попробуйте снова.",
    welcome: "Добро пожаловать",
    extension: "доб.",
    clients_in_base: "Клиентов в базе",
};

/// The texts for a language.
pub fn texts(lang: Language) -> &'static Texts {
    match lang {
        Language::En => &EN,
        Language::Ru => &RU,
    }
}

/// A user's language, falling back to the configured default.
pub fn pick(user_pref: Option<&str>, default: Language) -> Language {
    user_pref.and_then(Language::parse).unwrap_or(default)
}

/// The `lang` attribute value.
pub fn code(lang: Language) -> &'static str {
    match lang {
        Language::En => "en",
        Language::Ru => "ru",
    }
}
