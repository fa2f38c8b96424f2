//! The words on the pages, in English and Russian.

pub mod desk;

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
