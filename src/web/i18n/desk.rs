//! The words of the operator's pages (desk, order screen, worklist), English and Russian.
//! One line per text: the field name, the English, the Russian.

use crate::config::Language;

macro_rules! texts {
    ($($name:ident: $en:expr, $ru:expr;)*) => {
        /// Texts of the operator's pages.
        pub struct Desk { $(#[doc = $en] pub $name: &'static str,)* }
        const EN: Desk = Desk { $($name: $en,)* };
        const RU: Desk = Desk { $($name: $ru,)* };
    };
}

texts! {
    desk: "Desk", "Рабочий стол";
    worklist: "Worklist", "Задачи";
    ready: "Ready", "Готов";
    paused: "Paused", "Пауза";
    wrapup: "Wrap-up", "Поствызов";
    status: "Status", "Статус";
    paused_note: "You get no pops while paused. Your phone may still ring: pausing at the PBX is the PBX's business.", "На паузе карточки звонков не открываются. Телефон может звонить: пауза на АТС настраивается на АТС.";
    live_connecting: "Connecting…", "Подключение…";
    live_connected: "Live", "На связи";
    live_lost: "Reconnecting…", "Переподключение…";
    ringing_now: "Ringing now", "Звонят сейчас";
    no_ringing: "No calls ringing.", "Входящих нет.";
    open: "Open", "Открыть";
    unknown_number: "Unknown number", "Неизвестный номер";
    withheld: "Number withheld", "Номер скрыт";
    ambiguous: "Several clients share this number", "Номер у нескольких клиентов";
    internal: "Internal call", "Внутренний звонок";
    awaiting_outcome: "Calls waiting for an outcome", "Звонки без результата";
    tasks_today: "Callbacks and calls for today", "Перезвоны и звонки на сегодня";
    no_tasks: "Nothing to call back. Well done.", "Перезванивать некому.";
    attempts: "Our tries", "Наших попыток";
    missed_calls: "Missed calls", "Пропущенных";
    take: "Take", "Взять";
    release: "Give back", "Вернуть";
    due: "Due", "Срок";
    kind_missed: "Missed call", "Пропущенный";
    kind_requested: "Callback requested", "Просил перезвонить";
    kind_proactive: "Proactive call", "Исходящий обзвон";
    held_by: "Being worked by", "В работе у";
    call: "Call", "Звонок";
    inbound: "Inbound", "Входящий";
    outbound: "Outbound", "Исходящий";
    client: "Clients", "Клиенты";
    company: "Company", "Компания";
    phones: "Phones", "Телефоны";
    manager: "Personal manager", "Персональный менеджер";
    tags: "Tags", "Метки";
    preferences: "Preferences", "Предпочтения";
    notes: "Notes", "Заметки";
    profile: "Business", "Бизнес";
    sells: "Sells", "Продаёт";
    sells_to: "To", "Кому";
    price_segment: "Price segment", "Ценовой сегмент";
    employees: "Employees", "Сотрудников";
    do_not_call: "Do not call", "Не звонить";
    history: "Orders", "Заказы";
    no_orders: "No orders yet.", "Заказов ещё не было.";
    repeat: "Repeat", "Повторить";
    last_calls: "Calls", "Звонки";
    no_calls: "No calls yet.", "Звонков ещё не было.";
    open_tasks: "Open callbacks", "Открытые перезвоны";
    new_client: "New client with this number", "Новый клиент с этим номером";
    name: "Name", "Имя";
    create: "Create", "Создать";
    attach: "Or add this number to an existing client", "Или добавить номер существующему клиенту";
    search: "Search", "Найти";
    search_hint: "Name, company or e-mail", "Имя, компания или e-mail";
    add_number: "Add the number", "Добавить номер";
    choose: "Who is calling?", "Кто звонит?";
    this_one: "This one", "Этот";
    chosen_before: "chosen last time", "выбран в прошлый раз";
    order: "New order", "Новый заказ";
    product: "Product (name or SKU)", "Товар (название или артикул)";
    qty: "Qty", "Кол-во";
    price: "Price", "Цена";
    total: "Total", "Итого";
    add_line: "Add line", "Добавить строку";
    delivery_address: "Delivery address", "Адрес доставки";
    delivery_date: "Delivery date", "Дата доставки";
    comment: "Comment", "Комментарий";
    save_order: "Save order", "Сохранить заказ";
    order_saved: "Order saved", "Заказ сохранён";
    skipped: "Not sold any more, left out", "Больше не продаётся, пропущено";
    orders_on_call: "Orders on this call", "Заказы в этом звонке";
    outcome: "Outcome", "Результат";
    choose_outcome: "Choose…", "Выберите…";
    note: "Note", "Заметка";
    callback_at: "Call back at", "Перезвонить";
    confirm_spam: "Yes, block this number", "Да, заблокировать номер";
    save_outcome: "Save outcome", "Сохранить результат";
    outcome_saved: "Outcome saved", "Результат сохранён";
    close_needs_outcome: "A call is closed with an outcome.", "Звонок закрывается результатом.";
    keys: "Keys: r repeat last order · / product search · Ctrl+Enter save", "Клавиши: r — повторить заказ · / — поиск товара · Ctrl+Enter — сохранить";
    settings: "Settings", "Настройки";
    pop_on: "Open the order screen", "Открывать экран заказа";
    pop_on_ring: "when the phone rings", "когда звонит телефон";
    pop_on_answer: "when I answer", "когда я ответил";
    notify: "Browser notification when the tab is in the background", "Уведомление браузера, когда вкладка в фоне";
    sound: "Sound when the tab is in the background", "Звук, когда вкладка в фоне";
    language: "Language", "Язык";
    save: "Save", "Сохранить";
    saved: "Saved", "Сохранено";
    back_to_desk: "Back to the desk", "На рабочий стол";
    back_to_worklist: "Back to the worklist", "К задачам";
    dial: "Dial", "Позвонить";
    task_done: "Task done", "Задача выполнена";
    task_later: "Not reached: the task comes back later", "Не дозвонились: задача вернётся позже";
    wait: "wait", "ожидание";
    talk: "talk", "разговор";
    orders_without_call: "Order without a call", "Заказ без звонка";
    badge_key: "Key client", "Ключевой клиент";
    badge_regular: "Regular", "Постоянный";
    badge_new: "New", "Новый";
    badge_overdue: "Overdue", "Пропал";
    badge_dormant: "Dormant", "Давно не заказывал";
}

/// The operator pages' texts for a language.
pub fn texts(lang: Language) -> &'static Desk {
    match lang {
        Language::En => &EN,
        Language::Ru => &RU,
    }
}
