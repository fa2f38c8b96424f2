//! The manager's and administrator's pages in the user's language: a manager or admin who
//! chose Russian gets the dashboard (KPI names, formulas, chart words), the call log, the
//! client base (the Pareto statement, segment names, overdue reasons), the outbound page, the
//! wallboard and the administration pages in Russian, with the same ids and form fields; the
//! JSON API stays English; a user without a choice gets the configured default, English.

use orderline::domain::Role;
use serde_json::Value;

use crate::{
    helpers::{TestApp, spawn_app},
    manager::{page, segmented_base},
};

/// A logged-in user who chose `lang` in the desk settings (the form the pages offer).
async fn speaking(app: &TestApp, login: &str, role: Role, lang: &str) -> reqwest::Client {
    let pw = format!("pw-{login}-1");
    app.add_user(login, role, None, &pw).await;
    let c = app.logged_in(login, &pw).await;
    app.choose_language(&c, lang).await;
    c
}

/// The page, which must open (200).
async fn open(c: &reqwest::Client, app: &TestApp, path: &str) -> String {
    let (s, html) = page(c, app, path).await;
    assert_eq!(s, 200, "{path}: {html}");
    html
}

fn has_all(html: &str, words: &[&str]) {
    for w in words {
        assert!(html.contains(w), "missing {w:?} in:\n{html}");
    }
}

fn has_none(html: &str, words: &[&str]) {
    for w in words {
        assert!(!html.contains(w), "unexpected {w:?} in:\n{html}");
    }
}

#[tokio::test]
async fn a_russian_manager_reads_the_manager_pages_in_russian() {
    let app = spawn_app().await;
    segmented_base(&app).await;
    let mary = speaking(&app, "mary", Role::Manager, "ru").await;

    let html = open(&mary, &app, "/manager/dashboard").await;
    has_all(
        &html,
        &[
            "<html lang=\"ru\">",
            ">Журнал звонков</a>",
            ">Клиентская база</a>",
            "Пропущенные",
            "Среднее время ответа (ASA)",
            "Уровень обслуживания (SL)",
            "отвеченные с ожиданием ≤ T секунд ÷ (поступившие − короткие сбросы)",
            "Звонки по часам суток",
            "Доля нагрузки",
            "<button type=\"submit\">Показать</button>",
        ],
    );
    has_none(&html, &["Service level", "Calls by hour of day", ">Show<"]);

    let html = open(&mary, &app, "/manager/calls").await;
    has_all(
        &html,
        &[
            "Выгрузить CSV",
            "id=\"export-csv\"",
            "name=\"number_suffix\"",
            "Номер оканчивается на",
            "Подходящих звонков нет.",
        ],
    );
    has_none(&html, &["Export CSV", "No calls match."]);

    let html = open(&mary, &app, "/manager/clients").await;
    has_all(
        &html,
        &[
            "80 % выручки приносят клиенты: 2 (50.0 % базы)",
            "обычно заказывает раз в 7 дн.; последний заказ — 186 дн. назад",
            "Нельзя потерять",
            "Чемпионы",
            ">доля выручки</text>",
            "Как это считается",
            "id=\"rules\"",
        ],
    );
    has_none(&html, &["bring 80 % of revenue", "usually orders every"]);

    // The preview: the goes-to words, the summary and each client's reason are Russian.
    let html = open(&mary, &app, "/manager/outbound?segments=cant_lose&abc=A").await;
    has_all(
        &html,
        &[
            "Список обзвона",
            "Предпросмотр",
            "id=\"create-list\"",
            "Кому позвонят и почему",
            "подходит клиентов: 1",
            "выберите операторов",
            "Нельзя потерять (RFM ",
            "пропал: обычно заказывает раз в 7 дн.; последний заказ — 186 дн. назад",
            "по телефону ещё не говорили",
        ],
    );
    has_none(
        &html,
        &[
            "Create the list",
            "clients match",
            "usually orders",
            "never talked",
        ],
    );

    let html = open(&mary, &app, "/manager/wallboard").await;
    has_all(
        &html,
        &["Звонят сейчас", "Поступившие сегодня", "id=\"wb-live\""],
    );
    has_none(&html, &["Ringing now", "Offered today"]);

    // The API says the same in English whoever asks.
    let r = mary
        .get(app.url("/api/v1/reports/kpis"))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 200);
    let kpis: Value = r.json().await.unwrap();
    assert_eq!(
        kpis["kpis"]["service_level"]["formula"],
        "answered with wait ≤ T seconds ÷ (offered − short abandons)"
    );
}

#[tokio::test]
async fn a_manager_without_a_choice_gets_english() {
    let app = spawn_app().await;
    segmented_base(&app).await;
    app.add_user("ed", Role::Manager, None, "pw-ed-1").await;
    let ed = app.logged_in("ed", "pw-ed-1").await;
    let html = open(&ed, &app, "/manager/dashboard").await;
    has_all(
        &html,
        &[
            "<html lang=\"en\">",
            "Service level",
            "Calls by hour of day",
        ],
    );
    has_none(&html, &["Уровень обслуживания", "Журнал звонков"]);
    let html = open(&ed, &app, "/manager/clients").await;
    has_all(
        &html,
        &[
            "2 clients (50.0 % of the base) bring 80 % of revenue",
            "Champions",
        ],
    );
    let html = open(&ed, &app, "/manager/calls").await;
    has_all(&html, &["Export CSV"]);
    let html = open(&ed, &app, "/manager/outbound").await;
    has_all(&html, &["Create the list"]);
}

#[tokio::test]
async fn a_russian_admin_reads_the_administration_pages_in_russian() {
    let app = spawn_app().await;
    let alla = speaking(&app, "alla", Role::Admin, "ru").await;
    let html = open(&alla, &app, "/admin/users").await;
    has_all(
        &html,
        &[
            "<h1>Пользователи</h1>",
            "Добавить пользователя",
            "<option value=\"admin\" selected>администратор</option>",
            "aria-label=\"Имя пользователя alla\"",
            "name=\"display_name\"",
        ],
    );
    has_none(&html, &["Add a user", "New password"]);

    // A form error and a notice, both in Russian.
    let r = alla
        .post(app.url("/admin/blocked"))
        .form(&[("number", "+7 495 111-22-33"), ("reason", "спам")])
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 303);
    let html = open(&alla, &app, "/admin/blocked?done=created").await;
    has_all(&html, &["Сохранено: добавлено.", "Разблокировать", "спам"]);

    let html = open(&alla, &app, "/admin/retention").await;
    has_all(&html, &["<h1>Хранение данных</h1>", "Последний запуск:"]);
    let html = open(&alla, &app, "/admin/sources").await;
    has_all(
        &html,
        &[
            "Источники (АТС)",
            "Добавить источник",
            "Отправляйте события JSON",
            "файл конфигурации",
            "(с подписью)",
        ],
    );
    let html = open(&alla, &app, "/admin/audit").await;
    has_all(&html, &["Журнал аудита", "Подробности"]);

    app.add_user("root", Role::Admin, None, "pw-root-1").await;
    let root = app.logged_in("root", "pw-root-1").await;
    let html = open(&root, &app, "/admin/users").await;
    has_all(&html, &["Add a user", ">admin</option>"]);
    has_none(&html, &["Пользователи"]);
}
