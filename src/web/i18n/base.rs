//! The words of the client base and the outbound list pages, and the segment names they show.

use crate::segments::rfm::Segment;

page_texts! {
    /// Texts of the client base and outbound pages.
    Base {
        client_base: "Client base", "Клиентская база";
        msg_saved: "Personal manager saved. ", "Персональный менеджер сохранён. ";
        msg_recomputed: "Segmentation recomputed. ", "Сегментация пересчитана. ";
        bad_segment: "Unknown segment; showing every segment. ", "Неизвестный сегмент; показаны все сегменты. ";
        bad_abc: "The ABC class is A, B or C; showing every class. ", "Класс ABC — A, B или C; показаны все классы. ";
        pareto: "{0} clients ({1} % of the base) bring 80 % of revenue", "80 % выручки приносят клиенты: {0} ({1} % базы)";
        no_orders_yet: "No client has ordered in the period yet.", "За период ещё никто из клиентов не заказывал.";
        run: "{0} clients with orders between {1} and {2}, {3} in all; computed {4}", "Клиентов с заказами с {1} по {2}: {0}, на сумму {3}; рассчитано {4}";
        not_segmented: "The client base has not been segmented yet.", "Клиентская база ещё не сегментирована.";
        how_computed: "How these are computed", "Как это считается";
        recompute: "Recompute now", "Пересчитать сейчас";
        per_segment: "Clients per segment and ABC class", "Клиенты по сегментам и классам ABC";
        segment: "Segment", "Сегмент";
        all: "All", "Всего";
        overdue: "Overdue", "Пропали";
        all_scored: "All scored clients", "Все оценённые клиенты";
        clients: "Clients", "Клиенты";
        any: "any", "все";
        abc_class: "ABC class", "Класс ABC";
        overdue_only: "overdue only", "только пропавшие";
        not_overdue: "not overdue", "кроме пропавших";
        show: "Show", "Показать";
        build_outbound: "Build an outbound list…", "Составить список обзвона…";
        no_client: "No client matches.", "Подходящих клиентов нет.";
        client: "Client", "Клиент";
        orders: "Orders", "Заказы";
        revenue: "Revenue", "Выручка";
        last_order: "Last order", "Последний заказ";
        personal_manager: "Personal manager", "Персональный менеджер";
        do_not_call: "do not call", "не звонить";
        pm_of: "Personal manager of {0}", "Персональный менеджер клиента {0}";
        nobody_option: "— nobody —", "— не назначен —";
        save: "Save", "Сохранить";
        next_page: "Next page →", "Следующая страница →";
        overdue_reason: "usually orders every {0} days; last order {1} days ago", "обычно заказывает раз в {0} дн.; последний заказ — {1} дн. назад";
        reason_head: "{0} (RFM {1}), class {2}: {3} orders, {4} in the period", "{0} (RFM {1}), класс {2}: заказов — {3}, {4} за период";
        reason_overdue: "overdue: {0}", "пропал: {0}";
        reason_last_order: "last order {0} days ago", "последний заказ — {0} дн. назад";
        reason_last_talked: "last talked {0} days ago", "последний разговор — {0} дн. назад";
        reason_never_talked: "never talked to on the phone", "по телефону ещё не говорили";
        rule_who: "Who is scored", "Кого оцениваем";
        rule_who_text: "Clients (not deleted) with at least one order that is not cancelled in the scoring period: the last 12 calendar months before the run (setting <code>[reports] rfm_months</code>). Recomputed at start, every few minutes and with \"Recompute now\".", "Клиенты (не удалённые), у которых за расчётный период есть хотя бы один неотменённый заказ; период — 12 календарных месяцев до расчёта (настройка <code>[reports] rfm_months</code>). Пересчёт — при запуске, каждые несколько минут и по кнопке «Пересчитать сейчас».";
        rule_rfm: "R, F and M scores 1–5", "Оценки R, F и M от 1 до 5";
        rule_rfm_text: "R = whole days since the last order, F = orders in the period, M = revenue in the period. For each, rank = the number of clients strictly worse (more days, fewer orders, less revenue), so equal values share a rank; score = 1 + ⌊5 × rank ÷ (n − 1)⌋, at most 5 (a lone client scores 1). With distinct values these are quintiles. The RFM code is R, F, M: \"545\".", "R — полных дней с последнего заказа, F — заказов за период, M — выручка за период. Для каждого показателя ранг = число клиентов строго хуже (больше дней, меньше заказов, меньше выручки), поэтому равные значения получают один ранг; оценка = 1 + ⌊5 × ранг ÷ (n − 1)⌋, не больше 5 (единственный клиент получает 1). При различных значениях это квинтили. Код RFM — это R, F, M подряд: «545».";
        rule_segments: "Segments", "Сегменты";
        rule_segments_text: "First matching row wins: champions R 4–5, F 4–5, M 4–5; can't lose them R 1–2, F 4–5, M 4–5; at risk R 1–2, F 2–5, M 2–5; loyal R 3–5, F 3–5, M 3–5; new R 4–5, F 1; potential R 3–5; hibernating R 2; lost R 1.", "Выбирается первое подходящее правило: чемпионы R 4–5, F 4–5, M 4–5; нельзя потерять R 1–2, F 4–5, M 4–5; в зоне риска R 1–2, F 2–5, M 2–5; лояльные R 3–5, F 3–5, M 3–5; новые R 4–5, F 1; перспективные R 3–5; спящие R 2; потерянные R 1.";
        rule_abc: "ABC classes and the Pareto statement", "Классы ABC и правило Парето";
        rule_abc_text: "Clients sorted by revenue, largest first. A client is A while the revenue of the clients before it is under 80 % of the total, B while under 95 %, C after. So the A clients together bring at least 80 % of the revenue: \"N clients (P % of the base) bring 80 % of revenue\", N = the A clients, P = N ÷ the scored clients. The curve: share of revenue by share of clients.", "Клиенты упорядочены по выручке, от большей к меньшей. Клиент относится к классу A, пока выручка клиентов перед ним меньше 80 % общей, к B — пока меньше 95 %, дальше — к C. Поэтому клиенты класса A вместе приносят не меньше 80 % выручки: «80 % выручки приносят клиенты: N (P % базы)», N — клиенты класса A, P = N ÷ число оценённых клиентов. Кривая: доля выручки в зависимости от доли клиентов.";
        rule_overdue: "Overdue", "Пропавшие";
        rule_overdue_text: "A client with at least 3 orders in the period whose whole days since the last order exceed 2 × their median gap between consecutive orders: \"usually orders every 7 days; last order 186 days ago\".", "Клиент с не менее чем 3 заказами за период, у которого полных дней с последнего заказа больше, чем 2 × медианный интервал между его заказами: «обычно заказывает раз в 7 дн.; последний заказ — 186 дн. назад».";
        seg_champions: "Champions", "Чемпионы";
        seg_loyal: "Loyal", "Лояльные";
        seg_potential: "Potential", "Перспективные";
        seg_new: "New", "Новые";
        seg_at_risk: "At risk", "В зоне риска";
        seg_cant_lose: "Can't lose them", "Нельзя потерять";
        seg_hibernating: "Hibernating", "Спящие";
        seg_lost: "Lost", "Потерянные";
        seg_unknown: "Unknown", "Неизвестно";
        outbound_lists: "Outbound lists", "Списки обзвона";
        outbound_h: "Outbound call list", "Список обзвона";
        list_created: "List {0} created.", "Список {0} создан.";
        in_segments: "Clients in any of these segments", "Клиенты из любого из этих сегментов";
        or_overdue: "or overdue (late against their own rhythm)", "или пропавшие (не заказывают дольше обычного для себя)";
        abc_legend: "ABC class (none ticked: any)", "Класс ABC (ничего не отмечено — любой)";
        quiet_before: "Not talked to in the last", "Не разговаривали последние";
        quiet_after: "days", "дн.";
        operators: "Operators", "Операторы";
        cap: "Daily cap per operator", "Лимит в день на оператора";
        name: "Name", "Название";
        name_hint: "e.g. At-risk A clients, week 48", "например, клиенты A в зоне риска, 48-я неделя";
        preview: "Preview", "Предпросмотр";
        create: "Create the list", "Создать список";
        builder_hint: "Never a client flagged do-not-call, nor one with an open task. Most revenue first; each operator gets at most the cap per day (counting the calls they already hold today), the work is spread evenly, and a client goes to their personal manager while that operator has room.", "В список не попадают клиенты с пометкой «не звонить» и клиенты с открытой задачей. Сначала — с наибольшей выручкой; каждый оператор получает в день не больше лимита (с учётом уже взятых на сегодня звонков), работа делится поровну, а клиент достаётся своему персональному менеджеру, пока у того есть место.";
        who_called: "Who would be called, and why", "Кому позвонят и почему";
        why: "Why", "Почему";
        calls_them: "Calls them", "Кто позвонит";
        lists_results: "Lists and their results", "Списки и их результаты";
        lists_hint: "Done: tasks closed, whatever the outcome. Reached: closed with an outcome other than \"not reached\" or \"wrong number\". Ordered: tasks whose client placed an order (not cancelled) since the list was made; revenue: those orders.", "Выполнено: закрытые задачи с любым результатом. Дозвонились: закрыты с результатом, отличным от «Не дозвонились» и «Ошиблись номером». Заказали: задачи, клиент которых сделал заказ (не отменённый) после создания списка; выручка — сумма этих заказов.";
        no_list: "No list yet.", "Списков ещё нет.";
        cap_n: "cap {0}", "лимит {0}";
        operator: "Operator", "Оператор";
        tasks: "Tasks", "Задачи";
        done: "Done", "Выполнено";
        reached: "Reached", "Дозвонились";
        ordered: "Ordered", "Заказали";
        nobody: "nobody", "никто";
        to_over_cap: "nobody today: every operator is at the cap", "сегодня никто: у всех операторов исчерпан лимит";
        to_already_open: "nobody: a task for this client is open already", "никто: по этому клиенту уже есть открытая задача";
        to_choose: "choose operators", "выберите операторов";
        to_no_number: "nobody: no number to call", "никто: нет номера для звонка";
        user_n: "user {0}", "пользователь {0}";
        clients_match: "{0} clients match", "подходит клиентов: {0}";
        cap_day: "cap {0} a day per operator", "лимит {0} в день на оператора";
        not_made: "The list was not made. {0}", "Список не создан. {0}";
        default_list_name: "Outbound {0}", "Обзвон {0}";
    }
}

impl Base {
    /// A segment's name (by its code).
    pub fn segment(&self, code: &str) -> &'static str {
        match Segment::parse(code) {
            Some(Segment::Champions) => self.seg_champions,
            Some(Segment::Loyal) => self.seg_loyal,
            Some(Segment::Potential) => self.seg_potential,
            Some(Segment::New) => self.seg_new,
            Some(Segment::AtRisk) => self.seg_at_risk,
            Some(Segment::CantLose) => self.seg_cant_lose,
            Some(Segment::Hibernating) => self.seg_hibernating,
            Some(Segment::Lost) => self.seg_lost,
            None => self.seg_unknown,
        }
    }
}
