//! Validation and conflict messages on the pages, in the user's language.
//!
//! The API words its errors in English (a machine reads the `error` code and the `field`; the
//! message is for the developer), and the services that the pages share with the API raise
//! them that way. A page shows the same error to a person, so it translates the message here,
//! at the edge, instead of every service carrying two languages: each English message (with
//! `{}` where it carries a number or a name) has its Russian twin. A message not in the table
//! is shown as it is — a gap in the table stays readable, and the unit test below keeps every
//! entry well-formed.

use crate::{config::Language, error::AppError};

/// English pattern → Russian. `{}` matches any text and is carried over in order; more
/// specific patterns come before the general ones they would also match.
const MESSAGES: &[(&str, &str)] = &[
    // Shared
    (
        "must not contain a NUL character",
        "не должно содержать символ NUL",
    ),
    ("at most {} characters", "не больше {} символов"),
    ("at least {} characters", "не меньше {} символов"),
    ("1 to {} characters", "от 1 до {} символов"),
    ("1–{} characters", "от 1 до {} символов"),
    ("missing", "не указано"),
    ("cannot be negative", "не может быть отрицательным"),
    ("expected true or false", "ожидается true или false"),
    ("expected a user id", "нужен ID пользователя"),
    ("expected a client id", "нужен ID клиента"),
    ("expected client ids", "нужны ID клиентов"),
    (
        "expected an id (a positive whole number)",
        "нужен ID (целое положительное число)",
    ),
    ("no such client", "такого клиента нет"),
    (
        "no active user with this id",
        "нет активного пользователя с таким ID",
    ),
    (
        "a record with these values already exists",
        "такая запись уже существует",
    ),
    (
        "a record with this {} already exists",
        "запись с таким значением {} уже существует",
    ),
    // Periods and filters
    (
        "expected an RFC 3339 time such as 2026-11-27T00:00:00+03:00",
        "нужно время в формате RFC 3339, например 2026-11-27T00:00:00+03:00",
    ),
    ("must be after from", "должно быть позже начала периода"),
    (
        "must be later than from",
        "должно быть позже начала периода",
    ),
    (
        "a report covers at most {} days",
        "отчёт охватывает не больше {} дней",
    ),
    (
        "a queue name has at most {} characters",
        "название очереди — не больше {} символов",
    ),
    (
        "expected inbound or outbound",
        "ожидается inbound (входящие) или outbound (исходящие)",
    ),
    (
        "expected ringing, answered, completed, missed or blocked",
        "ожидается ringing, answered, completed, missed или blocked",
    ),
    (
        "expected the last 3 to 15 digits of a number",
        "нужны последние 3–15 цифр номера",
    ),
    (
        "an outcome code is at most 64 characters",
        "код результата — не больше 64 символов",
    ),
    (
        "not a cursor from this API",
        "ссылка на страницу устарела или повреждена",
    ),
    (
        "must be a whole number between 1 and 200",
        "целое число от 1 до 200",
    ),
    ("expected open or closed", "ожидается open или closed"),
    (
        "expected new, confirmed or cancelled",
        "ожидается new, confirmed или cancelled",
    ),
    (
        "expected confirmed or cancelled",
        "ожидается confirmed или cancelled",
    ),
    ("expected A, B or C", "ожидается A, B или C"),
    (
        "expected champions, loyal, potential, new, at_risk, cant_lose, hibernating or lost",
        "ожидается champions, loyal, potential, new, at_risk, cant_lose, hibernating или lost",
    ),
    // Phone numbers
    ("the number is empty", "номер пустой"),
    ("contains letters", "содержит буквы"),
    (
        "too short for a number in {}: is the area code missing?",
        "слишком короткий для номера ({}): не пропущен код города?",
    ),
    (
        "too short for a number with country code +{}: is the area code missing?",
        "слишком короткий для номера с кодом страны +{}: не пропущен код города?",
    ),
    (
        "too short for a number in {}",
        "слишком короткий для номера ({})",
    ),
    (
        "too short for a number with country code +{}",
        "слишком короткий для номера с кодом страны +{}",
    ),
    (
        "too long for a number in {}",
        "слишком длинный для номера ({})",
    ),
    (
        "too long for a number with country code +{}",
        "слишком длинный для номера с кодом страны +{}",
    ),
    (
        "wrong number of digits for a number in {}",
        "неверное число цифр для номера ({})",
    ),
    (
        "wrong number of digits for a number with country code +{}",
        "неверное число цифр для номера с кодом страны +{}",
    ),
    ("unknown country code +{}", "неизвестный код страны +{}"),
    ("not a valid number in {}", "такого номера нет ({})"),
    (
        "not a valid number with country code +{}",
        "такого номера нет (код страны +{})",
    ),
    // Clients
    ("not an e-mail address", "это не адрес электронной почты"),
    ("a name is required", "нужно имя"),
    ("at most {} numbers", "не больше {} номеров"),
    // Orders
    (
        "expected a date as YYYY-MM-DD",
        "нужна дата в формате ГГГГ-ММ-ДД",
    ),
    (
        "an order needs at least one line",
        "в заказе должна быть хотя бы одна строка",
    ),
    ("add at least one product", "добавьте хотя бы один товар"),
    ("at most {} lines", "не больше {} строк"),
    (
        "the order total is too large",
        "сумма заказа слишком велика",
    ),
    ("the line total is too large", "сумма строки слишком велика"),
    ("{} is no longer sold", "{} больше не продаётся"),
    ("between 1 and {}", "от 1 до {}"),
    ("the number parameter is required", "нужен параметр number"),
    ("expected json or text", "ожидается json или text"),
    ("no product with this SKU", "нет товара с таким артикулом"),
    (
        "the quantity must be a whole number",
        "количество — целое число",
    ),
    ("no such product", "такого товара нет"),
    (
        "only a new order can be confirmed or cancelled",
        "подтвердить или отменить можно только новый заказ",
    ),
    // The operator's desk
    ("expected ready or paused", "ожидается ready или paused"),
    ("expected en or ru", "ожидается en или ru"),
    ("expected ring or answer", "ожидается ring или answer"),
    ("choose an outcome", "выберите результат"),
    ("say when to call back", "укажите, когда перезвонить"),
    ("expected a date and time", "нужны дата и время"),
    (
        "must be between now and 90 days ahead",
        "должно быть не раньше текущего момента и не позже чем через 90 дней",
    ),
    (
        "that time does not exist here",
        "такого времени здесь нет (перевод часов)",
    ),
    (
        "confirm that this number goes on the block list",
        "подтвердите, что номер заносится в чёрный список",
    ),
    (
        "\"not reached\" is for calls you placed",
        "«Не дозвонились» — только для ваших исходящих звонков",
    ),
    (
        "no order was saved on this call",
        "по этому звонку не сохранён заказ",
    ),
    (
        "the caller's number is unknown (withheld or internal)",
        "номер звонящего неизвестен (скрыт или внутренний)",
    ),
    ("the call is still ringing", "звонок ещё не принят"),
    ("this caller is already known", "этот звонящий уже известен"),
    (
        "this call has no caller number",
        "у этого звонка нет номера звонящего",
    ),
    (
        "not one of the clients that share this number",
        "это не один из клиентов с этим номером",
    ),
    (
        "withheld and internal callers cannot be assigned",
        "скрытый или внутренний номер нельзя привязать к клиенту",
    ),
    ("this task is already closed", "эта задача уже закрыта"),
    (
        "this task is assigned to another operator",
        "эта задача назначена другому оператору",
    ),
    (
        "you are paused: set yourself ready to take a task",
        "у вас пауза: нажмите «Готов», чтобы взять задачу",
    ),
    (
        "{} is working on this task",
        "с этой задачей уже работает {}",
    ),
    ("not a work page", "это не рабочая страница"),
    // Outbound lists
    (
        "no client matches: nothing to hand out",
        "ни один клиент не подходит: раздавать нечего",
    ),
    (
        "choose at least one operator",
        "выберите хотя бы одного оператора",
    ),
    (
        "user {} is not an active operator",
        "пользователь {} — не активный оператор",
    ),
    ("no user {}", "нет пользователя {}"),
    ("unknown segment {}", "неизвестный сегмент {}"),
    ("1 to 2000 clients", "от 1 до 2000 клиентов"),
    ("1–{} clients", "от 1 до {} клиентов"),
    ("0 to 3650 days", "от 0 до 3650 дней"),
    ("a whole number, 1 to 500", "целое число от 1 до 500"),
    ("1 to 500", "от 1 до 500"),
    ("a whole number of days", "целое число дней"),
    ("expected an operator's user id", "нужен ID оператора"),
    (
        "no active operator with this id",
        "нет активного оператора с таким ID",
    ),
    // Administration
    (
        "2–40 characters: lowercase letters, digits and _",
        "2–40 символов: строчные латинские буквы, цифры и _",
    ),
    ("that is a system outcome", "это системный результат"),
    (
        "choose two different clients",
        "выберите двух разных клиентов",
    ),
    (
        "expected generic, zammad or sip",
        "ожидается generic, zammad или sip",
    ),
    (
        "1–40 lowercase letters, digits, - or _",
        "1–40 символов: строчные латинские буквы, цифры, - или _",
    ),
    (
        "you cannot deactivate or demote yourself",
        "нельзя отключить себя или понизить свою роль",
    ),
    ("2–6 digits, or empty", "2–6 цифр или пусто"),
    (
        "1–64 letters, digits or . _ - @",
        "1–64 символа: буквы, цифры или . _ - @",
    ),
    (
        "expected operator, manager or admin",
        "ожидается operator, manager или admin",
    ),
    (
        "another user already has this {}",
        "у другого пользователя уже есть такое значение {}",
    ),
    (
        "set [secrets] key in the configuration before adding sources here",
        "сначала задайте [secrets] key в файле конфигурации",
    ),
    (
        "a source with this id is in the configuration file",
        "источник с таким ID уже есть в файле конфигурации",
    ),
];

/// Field codes as a Russian page names them (English pages show the code).
const FIELDS: &[(&str, &str)] = &[
    ("from", "С"),
    ("to", "По"),
    ("direction", "Направление"),
    ("state", "Состояние"),
    ("operator", "Оператор"),
    ("outcome", "Результат"),
    ("source", "Источник"),
    ("queue", "Очередь"),
    ("client", "Клиент"),
    ("client_id", "Клиент"),
    ("number", "Номер"),
    ("number_suffix", "Номер оканчивается на"),
    ("has_order", "Заказ"),
    ("cursor", "Страница"),
    ("limit", "Количество"),
    ("callback_at", "Когда перезвонить"),
    ("confirm_spam", "Спам"),
    ("note", "Комментарий"),
    ("lines", "Товары"),
    ("delivery_date", "Дата доставки"),
    ("name", "Имя"),
    ("email", "Эл. почта"),
    ("phones", "Телефоны"),
    ("login", "Логин"),
    ("password", "Пароль"),
    ("display_name", "Имя"),
    ("extension", "Внутренний номер"),
    ("role", "Роль"),
    ("active", "Активен"),
    ("code", "Код"),
    ("label", "Название"),
    ("daily_cap", "Звонков в день"),
    ("quiet_days", "Без звонков, дней"),
    ("segments", "Сегменты"),
    ("criteria", "Отбор"),
    ("operator_ids", "Операторы"),
    ("manager_id", "Менеджер"),
    ("user", "Пользователь"),
    ("status", "Статус"),
    ("segment", "Сегмент"),
    ("abc", "ABC"),
    ("overdue", "Просрочены"),
];

/// A message in the user's language (as it is when the table does not have it).
pub fn message(lang: Language, english: &str) -> String {
    if lang == Language::En {
        return english.to_owned();
    }
    MESSAGES
        .iter()
        .find_map(|(en, ru)| holes(en, english).map(|found| fill(ru, &found)))
        .unwrap_or_else(|| english.to_owned())
}

/// "field: message", the field named as the page names it.
pub fn with_field(lang: Language, field: Option<&str>, english: &str) -> String {
    let text = message(lang, english);
    match field {
        None | Some("") => text,
        Some(f) if lang == Language::En => format!("{f}: {text}"),
        Some(f) => {
            let label = FIELDS.iter().find(|(code, _)| *code == f).map(|(_, l)| *l);
            format!("{}: {text}", label.unwrap_or(f))
        }
    }
}

/// The words of an error a form shows (validation, conflict, bad request); None for the others,
/// which stay error responses.
pub fn of_error(lang: Language, e: &AppError) -> Option<String> {
    match e {
        AppError::Validation { field, message } => {
            Some(with_field(lang, field.as_deref(), message))
        }
        AppError::Conflict { message, .. } | AppError::BadRequest { message, .. } => {
            Some(self::message(lang, message))
        }
        _ => None,
    }
}

/// The texts the `{}` of `pattern` stand for in `text`, if the whole of `text` has its shape
/// (each place at least one character).
fn holes(pattern: &str, text: &str) -> Option<Vec<String>> {
    let parts: Vec<&str> = pattern.split("{}").collect();
    let [first, middle @ .., last] = parts.as_slice() else {
        return (pattern == text).then(Vec::new);
    };
    let mut rest = text.strip_prefix(first)?.strip_suffix(last)?;
    let mut found = Vec::with_capacity(middle.len() + 1);
    for part in middle {
        // The place takes at least its first character, then runs to the next literal.
        let skip = rest.chars().next()?.len_utf8();
        let at = rest[skip..].find(part)? + skip;
        found.push(rest[..at].to_owned());
        rest = &rest[at + part.len()..];
    }
    if rest.is_empty() {
        return None;
    }
    found.push(rest.to_owned());
    Some(found)
}

fn fill(template: &str, values: &[String]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut values = values.iter();
    let mut parts = template.split("{}").peekable();
    while let Some(part) = parts.next() {
        out.push_str(part);
        if parts.peek().is_some() {
            out.push_str(values.next().map_or("", String::as_str));
        }
    }
    out
}

#[cfg(test)]
#[path = "errors_tests.rs"]
mod tests;
