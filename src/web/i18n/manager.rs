//! The words of the manager's pages: the tabs, the dashboard, the call log and a call's
//! detail, the wallboard and the audit log. Codes shown as words (directions, call states,
//! caller kinds, operator states) are named here too; the codes stay in ids, classes and
//! data attributes.

page_texts! {
    /// Texts of the manager's pages.
    Manager {
        nav_dashboard: "Dashboard", "Показатели";
        nav_calls: "Call log", "Журнал звонков";
        nav_wallboard: "Wallboard", "Табло";
        nav_client_base: "Client base", "Клиентская база";
        nav_outbound: "Outbound", "Обзвон";
        nav_admin: "Admin", "Администрирование";
        nav_retention: "Retention", "Хранение данных";
        dashboard: "Dashboard", "Показатели";
        from: "From", "С";
        to: "To", "По";
        direction: "Direction", "Направление";
        inbound: "inbound", "входящие";
        outbound: "outbound", "исходящие";
        show: "Show", "Показать";
        queue: "Queue", "Очередь";
        all_queues: "all queues", "все очереди";
        period_hint: "[from, to) in RFC 3339; hours and days in the business time zone", "[с, по) в формате RFC 3339; часы и дни — в часовом поясе компании";
        operators: "Operators", "Операторы";
        operator: "Operator", "Оператор";
        calls: "Calls", "Звонки";
        talk: "Talk", "Разговор";
        wrapup: "Wrap-up", "Поствызов";
        orders: "Orders", "Заказы";
        conversion: "Conversion", "Конверсия";
        callbacks: "Callbacks", "Перезвоны";
        proactive: "Proactive", "Обзвон";
        load_share: "Share of load", "Доля нагрузки";
        call_log: "Call log", "Журнал звонков";
        any: "any", "все";
        state: "State", "Состояние";
        answered: "answered", "отвеченные";
        missed: "missed", "пропущенные";
        blocked: "blocked", "заблокированные";
        ringing_filter: "ringing now", "звонят сейчас";
        outcome: "Outcome", "Результат";
        source: "Source", "Источник";
        client_id: "Client id", "ID клиента";
        number_ends: "Number ends with", "Номер оканчивается на";
        order: "Order", "Заказ";
        with_order: "with an order", "с заказом";
        without_order: "without", "без заказа";
        reset: "Reset", "Сбросить";
        export_csv: "Export CSV", "Выгрузить CSV";
        log_hint: "Newest first. Times in the business time zone; from/to also take RFC 3339.", "Сначала новые. Время — в часовом поясе компании; поля «С» и «По» принимают и RFC 3339.";
        started: "Started", "Начало";
        number: "Number", "Номер";
        client: "Client", "Клиент";
        wait: "Wait", "Ожидание";
        no_calls_match: "No calls match.", "Подходящих звонков нет.";
        next_page: "Next page →", "Следующая страница →";
        call: "Call", "Звонок";
        back_to_log: "← Call log", "← Журнал звонков";
        caller_match: "Caller match", "Кто звонил";
        candidates: "clients {0}", "клиенты {0}";
        hangup_cause: "Hang-up cause", "Причина завершения";
        note: "Note", "Заметка";
        none: "none", "нет";
        recording: "Recording", "Запись";
        listen: "listen", "прослушать";
        timeline: "Timeline", "Хронология";
        at: "At", "Время";
        event: "Event", "Событие";
        extension: "Extension", "Добавочный";
        cause: "Cause", "Причина";
        arrived: "Arrived", "Получено";
        marks: "Marks", "Отметки";
        delivered: "delivered {0}×", "доставлено {0}×";
        late: "late", "с опозданием";
        raw_payload: "Raw payload", "Исходные данные";
        seconds: "{0} s", "{0} с";
        kind_client: "client", "клиент";
        kind_ambiguous: "ambiguous", "несколько клиентов";
        kind_unknown: "unknown", "неизвестный";
        kind_anonymous: "anonymous", "номер скрыт";
        kind_internal: "internal", "внутренний";
        st_ringing: "ringing", "звонит";
        st_answered: "answered", "отвечен";
        st_completed: "completed", "завершён";
        st_missed: "missed", "пропущен";
        st_blocked: "blocked", "заблокирован";
        dir_inbound: "inbound", "входящий";
        dir_outbound: "outbound", "исходящий";
        wallboard: "Wallboard", "Табло";
        ringing_now: "Ringing now", "Звонят сейчас";
        no_ringing: "No call is ringing.", "Входящих нет.";
        states: "{0} ready · {1} paused · {2} on a call · {3} wrap-up", "готовы: {0} · на паузе: {1} · разговаривают: {2} · поствызов: {3}";
        how_state: "How a state is decided", "Как определяется состояние";
        state_rule: "On a call: a call they answered has not ended. Wrap-up: an answered call of theirs ended less than the wrap-up cap ago and has no outcome yet. Paused: their desk status is paused. Ready: otherwise.", "Разговаривает: отвеченный оператором звонок ещё не завершён. Поствызов: отвеченный звонок завершился недавно (меньше лимита поствызова) и результат ещё не сохранён. Пауза: на рабочем столе выбран статус «Пауза». Готов: во всех остальных случаях.";
        op_ready: "ready", "готов";
        op_paused: "paused", "пауза";
        op_on_call: "on a call", "разговаривает";
        op_wrap_up: "wrap-up", "поствызов";
        today: "{0} today", "{0} сегодня";
        audit_log: "Audit log", "Журнал аудита";
        action: "Action", "Действие";
        user_id: "User id", "ID пользователя";
        who: "Who", "Кто";
        subject: "Subject", "Объект";
        detail: "Detail", "Подробности";
        no_entries: "No entries.", "Записей нет.";
        token: "token {0}", "токен {0}";
        system: "system", "система";
    }
}

impl Manager {
    /// A call direction in words (the code if unknown).
    pub fn direction_of(&self, code: &str) -> String {
        match code {
            "inbound" => self.dir_inbound.into(),
            "outbound" => self.dir_outbound.into(),
            other => other.into(),
        }
    }

    /// A call state in words (the code if unknown).
    pub fn state_of(&self, code: &str) -> String {
        match code {
            "ringing" => self.st_ringing.into(),
            "answered" => self.st_answered.into(),
            "completed" => self.st_completed.into(),
            "missed" => self.st_missed.into(),
            "blocked" => self.st_blocked.into(),
            other => other.into(),
        }
    }

    /// Who the caller turned out to be, in words (the code if unknown).
    pub fn caller_kind_of(&self, code: &str) -> String {
        match code {
            "client" => self.kind_client.into(),
            "ambiguous" => self.kind_ambiguous.into(),
            "unknown" => self.kind_unknown.into(),
            "anonymous" => self.kind_anonymous.into(),
            "internal" => self.kind_internal.into(),
            other => other.into(),
        }
    }

    /// An operator's state (`on_call` …) in words.
    pub fn operator_state(&self, code: &str) -> &'static str {
        match code {
            "paused" => self.op_paused,
            "on_call" => self.op_on_call,
            "wrap_up" => self.op_wrap_up,
            _ => self.op_ready,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_english_state_rule_is_the_api_s() {
        assert_eq!(EN.state_rule, crate::reports::wallboard::STATE_RULE);
        assert_eq!(
            EN.op_on_call,
            crate::reports::wallboard::OperatorState::OnCall.label()
        );
    }
}
