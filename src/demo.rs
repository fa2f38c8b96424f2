//! The demo data set for `serve --demo`: a catalogue, ~2,000 clients with Russian and
//! international numbers and a year of orders shaped like a real order line (a few dozen
//! regular buyers carry most of the revenue), five users and a PBX token.
//!
//! Generated from a fixed seed, so every demo database looks the same. Loaded only into a
//! database without users: it never touches real data.

use rand::{Rng, SeedableRng, rngs::StdRng, seq::IndexedRandom};

use crate::{
    auth::{password, token},
    config::Config,
    db::{
        self, Db,
        orders::{LineRow, NewOrder},
        products::{Product, ProductDraft},
        users::NewUser,
    },
    domain::{
        PhoneNumber, Role,
        client::{BusinessProfile, ClientDraft, ClientKind, PhoneDraft},
        time::now_ms,
    },
};

/// The demo PBX token (well known: demo only).
pub const DEMO_PBX_TOKEN: &str = "olt_demo_pbx_token_change_me_0123456789abcdefghij";
/// Demo users: login, name, role, extension, password.
pub const DEMO_USERS: [(&str, &str, Role, Option<&str>, &str); 5] = [
    ("admin", "Администратор", Role::Admin, None, "admin-demo-1"),
    (
        "manager",
        "Мария Руководитель",
        Role::Manager,
        None,
        "manager-demo-1",
    ),
    (
        "op101",
        "Ольга Операторова",
        Role::Operator,
        Some("101"),
        "operator-demo-1",
    ),
    (
        "op102",
        "Иван Телефонов",
        Role::Operator,
        Some("102"),
        "operator-demo-2",
    ),
    (
        "op103",
        "Анна Заказова",
        Role::Operator,
        Some("103"),
        "operator-demo-3",
    ),
];

const CLIENTS: usize = 2_000;
const DAY_MS: i64 = 86_400_000;

/// What `ensure_loaded` found or did.
#[derive(Debug, PartialEq, Eq)]
pub enum DemoState {
    /// The database was empty; the demo data is now in it.
    Loaded,
    /// The demo data was loaded earlier.
    AlreadyThere,
    /// The database holds other data; nothing was written.
    RealData,
}

/// Loads the demo data into an empty database (no users, clients or products); never writes
/// into one that holds anything else.
pub async fn ensure_loaded(db: &Db, config: &Config) -> anyhow::Result<DemoState> {
    let demo_hash = token::hash_secret(DEMO_PBX_TOKEN);
    if db::tokens::find_token_by_hash(db, &demo_hash)
        .await?
        .is_some()
    {
        return Ok(DemoState::AlreadyThere);
    }
    let empty = db::users::count_users(db).await? == 0
        && db::clients::count_clients(db).await? == 0
        && db::products::list_products(db, None, false, 0, 1)
            .await?
            .is_empty();
    if !empty {
        return Ok(DemoState::RealData);
    }
    let mut user_ids = Vec::new();
    for (login, name, role, ext, pw) in DEMO_USERS {
        let hash = password::hash(pw.to_owned()).await?;
        let new = NewUser {
            login,
            display_name: name,
            role,
            extension: ext,
            password_hash: &hash,
        };
        user_ids.push(db::users::insert_user(db, &new).await?);
    }
    token::create_token_with_secret(db, "demo PBX", Role::Pbx, DEMO_PBX_TOKEN).await?;
    let mut rng = StdRng::seed_from_u64(20_261_127);
    let products = load_products(db, &mut rng).await?;
    load_clients(db, config, &mut rng, &products, &user_ids[2..]).await?;
    Ok(DemoState::Loaded)
}

/// Adds the demo PBX source (`/webhooks/demo`, generic format, the demo token) unless the
/// configuration already has a source with that id.
pub fn add_source(config: &mut Config) {
    if config.sources.iter().any(|s| s.id == "demo") {
        return;
    }
    config.sources.push(crate::config::SourceConfig {
        id: "demo".into(),
        format: crate::config::SourceFormat::Generic,
        token: DEMO_PBX_TOKEN.into(),
        hmac_secret: None,
        enabled: true,
    });
}

/// Prints the demo credentials.
pub fn print_credentials(url: &str) {
    eprintln!("demo data: open {url} and sign in as one of");
    for (login, _, role, ext, pw) in DEMO_USERS {
        let ext = ext.map(|e| format!(", extension {e}")).unwrap_or_default();
        eprintln!("  {login:<8} password {pw:<16} ({role}{ext})");
    }
    eprintln!("demo PBX token (role pbx): {DEMO_PBX_TOKEN}");
    eprintln!(
        "demo PBX source: POST {url}/webhooks/demo with the same token (generic format, docs/webhooks.md)"
    );
    eprintln!(
        "  try: curl -s '{url}/api/v1/lookup?number=84951234567' -H 'Authorization: Bearer {DEMO_PBX_TOKEN}'"
    );
}

/// Name, unit and price in whole roubles.
const GOODS: [(&str, &str, i64); 10] = [
    ("Вода питьевая 19 л", "bottle", 350),
    ("Кофе зерновой 1 кг", "pack", 1450),
    ("Чай чёрный 100 пак.", "box", 420),
    ("Бумага офисная A4", "ream", 390),
    ("Стаканчики 200 мл ×100", "pack", 180),
    ("Сахар порционный ×1000", "box", 990),
    ("Салфетки бумажные ×100", "pack", 95),
    ("Моющее средство 5 л", "can", 610),
    ("Перчатки нитриловые ×100", "box", 540),
    ("Печенье ассорти 2 кг", "box", 780),
];

async fn load_products(db: &Db, rng: &mut StdRng) -> anyhow::Result<Vec<Product>> {
    let variants = ["", " (эконом)", " (премиум)", " опт", " mini"];
    let mut out = Vec::new();
    for (i, (name, unit, price)) in GOODS.iter().enumerate() {
        for (j, v) in variants.iter().enumerate() {
            let sku = format!("SKU-{:03}", i * 10 + j + 1);
            let full = format!("{name}{v}");
            let price = price * (80 + rng.random_range(0..60)); // kopecks: ×100 and ±30 %
            // A few discontinued items, so "repeat this order" has something to skip.
            let active = (i * 5 + j) % 17 != 16;
            let id = db::products::insert_product(
                db,
                &ProductDraft {
                    sku: &sku,
                    name: &full,
                    unit,
                    price_minor: price,
                    active,
                },
            )
            .await?;
            out.push(db::products::get_product(db, id).await?);
        }
    }
    Ok(out)
}

const FIRST: [&str; 12] = [
    "Алексей",
    "Мария",
    "Дмитрий",
    "Елена",
    "Сергей",
    "Ольга",
    "Андрей",
    "Наталья",
    "Павел",
    "Ирина",
    "Михаил",
    "Татьяна",
];
const LAST: [&str; 12] = [
    "Иванов",
    "Смирнова",
    "Кузнецов",
    "Попова",
    "Соколов",
    "Лебедева",
    "Козлов",
    "Новикова",
    "Морозов",
    "Волкова",
    "Петров",
    "Фёдорова",
];
const COMPANY: [&str; 10] = [
    "Альфа",
    "Вектор",
    "Гранит",
    "Диалог",
    "Север",
    "Меридиан",
    "Орион",
    "Сфера",
    "Техно",
    "Уют",
];
const FORMS: [&str; 3] = ["ООО", "ИП", "АО"];
const SELLS: [(&str, &str); 5] = [
    ("кофейни и кафе", "горожане, офисные сотрудники"),
    ("офисные услуги", "малый бизнес"),
    ("продукты у дома", "жители района"),
    ("клининг", "бизнес-центры"),
    ("автосервис", "владельцы автомобилей"),
];

/// A number in one of the written forms real bases contain.
fn demo_number(rng: &mut StdRng, i: usize) -> String {
    let a = rng.random_range(100..999);
    let b = rng.random_range(10..99);
    let c = rng.random_range(10..99);
    match i % 10 {
        0 => format!("8 (495) {a}-{b}-{c}"),
        1 => format!("+7 916 {a} {b} {c}"),
        2 => format!("8 (812) {a}-{b}-{c}"),
        3 => format!("8-903-{a}-{b}-{c}"),
        4 => format!("+7 (843) {a}-{b}-{c}"),
        5 => format!("9{}{a}{b}{c}", rng.random_range(10..99)),
        6 => format!("+49 30 {a}{b}{c}"),
        7 => format!("+380 44 {a} {b}{c}"),
        8 => format!("+375 29 {a}-{b}-{c}"),
        _ => format!("+7 926 {a}-{b}-{c}"),
    }
}

async fn load_clients(
    db: &Db,
    config: &Config,
    rng: &mut StdRng,
    products: &[Product],
    operators: &[i64],
) -> anyhow::Result<()> {
    let now = now_ms();
    let sellable: Vec<&Product> = products.iter().filter(|p| p.active).collect();
    let mut tx = db.begin().await?;
    let mut switchboard: Option<PhoneDraft> = None;
    for i in 0..CLIENTS {
        let draft = demo_client(rng, config, i, operators, &mut switchboard);
        let id = db::clients::insert_client(&mut tx, &draft).await?;
        for order in demo_orders(rng, id, i, now, &sellable, &config.currency, &draft) {
            db::orders::insert_order(&mut tx, &order).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

fn demo_client(
    rng: &mut StdRng,
    config: &Config,
    i: usize,
    operators: &[i64],
    board: &mut Option<PhoneDraft>,
) -> ClientDraft {
    let person = format!(
        "{} {}",
        FIRST.choose(rng).unwrap_or(&"Иван"),
        LAST.choose(rng).unwrap_or(&"Иванов")
    );
    let business = !i.is_multiple_of(3);
    let company = business.then(|| {
        format!(
            "{} «{}-{}»",
            FORMS.choose(rng).unwrap_or(&"ООО"),
            COMPANY.choose(rng).unwrap_or(&"Альфа"),
            i % 97 + 1
        )
    });
    let mut phones: Vec<PhoneDraft> = (0..rng.random_range(1..=3))
        .filter_map(|k| {
            // The first client has a well-known number, for the README's curl examples.
            let raw = if i == 0 && k == 0 {
                "8 (495) 123-45-67".to_owned()
            } else {
                demo_number(rng, i + k * 3)
            };
            let number = PhoneNumber::parse(&raw, config.default_region).ok()?;
            Some(PhoneDraft {
                number,
                raw,
                label: Some(["mobile", "office", "warehouse"][k].into()),
                primary: k == 0,
            })
        })
        .collect();
    // Every 40th business shares the previous one's switchboard number: ambiguous callers.
    if business && i % 40 == 1 {
        if let Some(b) = board.clone() {
            phones.push(PhoneDraft {
                primary: false,
                label: Some("switchboard".into()),
                ..b
            });
        }
    } else if business && i.is_multiple_of(40) {
        *board = phones.first().cloned();
    }
    let (sells, sells_to) = SELLS[i % SELLS.len()];
    let mut d = ClientDraft {
        external_id: Some(format!("1C-{:05}", i + 1)),
        name: person,
        kind: if business {
            ClientKind::Business
        } else {
            ClientKind::Person
        },
        company,
        email: Some(format!("client{}@example.ru", i + 1)),
        addresses: vec![format!("г. Москва, ул. Примерная, д. {}", i % 120 + 1)],
        notes: i
            .is_multiple_of(7)
            .then(|| "Предпочитает доставку до обеда".to_owned()),
        tags: if i < 60 {
            vec!["ключевой".into()]
        } else {
            Vec::new()
        },
        preferences: i
            .is_multiple_of(5)
            .then(|| "Звонить после 14:00".to_owned()),
        personal_manager_id: (i < 60).then(|| operators[i % operators.len()]),
        profile: if business {
            BusinessProfile {
                sells: Some(sells.into()),
                sells_to: Some(sells_to.into()),
                price_segment: Some(["эконом", "средний", "премиум"][i % 3].into()),
                employees: Some(rng.random_range(3..250)),
            }
        } else {
            BusinessProfile::default()
        },
        do_not_call: i.is_multiple_of(53),
        phones,
    };
    d.normalise_phones();
    d
}

/// Orders shaped like a real line: the first 60 clients buy every one to three weeks with big
/// baskets; the next few hundred now and then; most of the base once or never. Some regulars
/// stopped a few months ago (the "at risk" the manager should see).
fn demo_orders(
    rng: &mut StdRng,
    client_id: i64,
    i: usize,
    now: i64,
    goods: &[&Product],
    currency: &str,
    d: &ClientDraft,
) -> Vec<NewOrder> {
    let (count, basket) = match i {
        0..60 => (rng.random_range(15..40), 6),
        60..400 => (rng.random_range(2..8), 3),
        400..1200 => (rng.random_range(0..2), 2),
        _ => (0, 1),
    };
    let stopped_days = if i < 60 && i.is_multiple_of(6) {
        rng.random_range(60..150)
    } else {
        0
    };
    let span = 365 - stopped_days;
    (0..count)
        .map(|_| {
            let at = now
                - (stopped_days + rng.random_range(0..span)) * DAY_MS
                - rng.random_range(0..DAY_MS);
            let lines: Vec<LineRow> = (0..rng.random_range(1..=basket))
                .map(|_| {
                    let p = goods[rng.random_range(0..goods.len())];
                    let q = rng.random_range(1..12);
                    LineRow::priced(p, q, q * p.price_minor)
                })
                .collect();
            NewOrder {
                client_id,
                call_id: None,
                delivery_address: d.addresses.first().cloned(),
                delivery_date: None,
                comment: None,
                created_by: None,
                total_minor: lines.iter().map(|l| l.line_total_minor).sum(),
                lines,
                currency: currency.to_owned(),
                created_at: at,
            }
        })
        .collect()
}
