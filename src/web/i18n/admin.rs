//! The words of the administration pages: users, outcomes, the block list, merging clients,
//! PBX sources and retention, and the notices after their forms.

page_texts! {
    /// Texts of the administration pages.
    Admin {
        administration: "Administration", "Администрирование";
        users: "Users", "Пользователи";
        outcomes: "Outcomes", "Результаты звонков";
        block_list: "Block list", "Чёрный список";
        merge_clients: "Merge clients", "Объединение клиентов";
        sources: "PBX sources", "Источники (АТС)";
        retention: "Retention", "Хранение данных";
        done_created: "Saved: added.", "Сохранено: добавлено.";
        done_saved: "Saved.", "Сохранено.";
        done_password: "Password changed; the user's sessions were ended.", "Пароль изменён; сеансы пользователя завершены.";
        done_removed: "Removed.", "Удалено.";
        done_merged: "Merged.", "Объединено.";
        done_ran: "Retention ran.", "Очистка выполнена.";
        not_found: "{0} not found", "Не найдено: {0}";
        login: "Login", "Логин";
        name: "Name", "Имя";
        role: "Role", "Роль";
        extension: "Extension", "Добавочный";
        active_h: "Active", "Активен";
        new_password: "New password", "Новый пароль";
        name_of: "Name of {0}", "Имя пользователя {0}";
        role_of: "Role of {0}", "Роль пользователя {0}";
        extension_of: "Extension of {0}", "Добавочный пользователя {0}";
        password_for: "New password for {0}", "Новый пароль пользователя {0}";
        active: "active", "активен";
        save: "Save", "Сохранить";
        reset: "Reset", "Сбросить";
        add_user_h: "Add a user", "Добавить пользователя";
        password: "Password", "Пароль";
        add_user: "Add user", "Добавить";
        role_operator: "operator", "оператор";
        role_manager: "manager", "менеджер";
        role_admin: "admin", "администратор";
        call_outcomes: "Call outcomes", "Результаты звонков";
        outcomes_hint: "System outcomes are fixed; custom ones have no side effects and can be hidden from operators.", "Системные результаты изменить нельзя; свои результаты ни на что не влияют, и их можно скрыть от операторов.";
        code: "Code", "Код";
        label: "Label", "Название";
        kind: "Kind", "Тип";
        system: "system", "системный";
        yes: "yes", "да";
        label_of: "Label of {0}", "Название результата {0}";
        add_outcome_h: "Add an outcome", "Добавить результат";
        add_outcome: "Add outcome", "Добавить";
        blocked_hint: "Calls from these numbers are recorded as blocked: no pop, no callback task, not counted as offered.", "Звонки с этих номеров записываются как заблокированные: без карточки, без задачи на перезвон, в поступившие не считаются.";
        number: "Number", "Номер";
        reason: "Reason", "Причина";
        since: "Since", "С";
        unblock: "Unblock", "Разблокировать";
        no_blocked: "No blocked numbers.", "Заблокированных номеров нет.";
        block_h: "Block a number", "Заблокировать номер";
        block: "Block", "Заблокировать";
        merge_h: "Merge two client records", "Объединение двух карточек клиентов";
        merge_hint: "Everything of the second client — phone numbers, orders, calls, tasks, outcomes — moves to the first, in one step; the second record is removed. The first record's own details are kept. This cannot be undone; it is written to the audit log.", "Всё, что есть у второго клиента, — телефоны, заказы, звонки, задачи, результаты — за один шаг переносится к первому; вторая карточка удаляется. Данные первой карточки сохраняются. Отменить это нельзя; действие записывается в журнал аудита.";
        keep_id: "Keep client id", "ID клиента, которого оставить";
        merge_id: "Merge client id (removed)", "ID клиента, которого присоединить (будет удалён)";
        merge: "Merge", "Объединить";
        merged_n: "Merged: {0} phone numbers, {1} orders, {2} calls, {3} tasks moved.", "Объединено. Перенесено телефонов: {0}, заказов: {1}, звонков: {2}, задач: {3}.";
        retention_hint: "Set in the configuration file, section <code>[retention]</code>; 0 keeps a detail for ever. Calls and the hourly report aggregates are kept, so past KPIs do not change.", "Задаётся в файле конфигурации, раздел <code>[retention]</code>; 0 — хранить всегда. Сами звонки и почасовые агрегаты отчётов сохраняются, поэтому показатели прошлых периодов не меняются.";
        detail: "Detail", "Данные";
        removed_after: "Removed after", "Удаляются через";
        done_before: "Done for calls started before", "Выполнено для звонков, начатых до";
        last_run: "Last run:", "Последний запуск:";
        run_now: "Run now", "Запустить сейчас";
        aggregates_h: "Report aggregates", "Агрегаты отчётов";
        kept_forever: "kept for ever", "хранятся всегда";
        days: "{0} days", "{0} дн.";
        never: "never", "ни разу";
        events: "Call events (timelines)", "События звонков (хронология)";
        raw_payloads: "Raw PBX payloads", "Исходные данные от АТС";
        recordings: "Recording links", "Ссылки на записи";
        caller_numbers: "Caller numbers (replaced by a keyed hash)", "Номера звонящих (заменяются ключевым хешем)";
        audit_entries: "Audit log entries", "Записи журнала аудита";
        run_text: "{0}, {1} ms, {2} rows changed{3}", "{0}, {1} мс, изменено строк: {2}{3}";
        failed: " — failed: {0}", " — ошибка: {0}";
        aggregates_ready: "Sums per {0} minutes, built {1}, last refreshed {2}.", "Суммы по {0} мин., построены {1}, обновлены {2}.";
        aggregates_not: "Not built yet: reports read the calls directly until the background job has built them.", "Ещё не построены: пока фоновая задача их не построит, отчёты читают звонки напрямую.";
        secrets_of: "Secrets of {0} — shown once", "Секреты источника {0} — показываются один раз";
        webhook_url: "Webhook URL", "URL вебхука";
        token: "Token", "Токен";
        hmac_secret: "HMAC secret", "Секрет HMAC";
        copy_hint: "Copy them into the PBX now: they are stored encrypted and cannot be shown again (rotate to get new ones).", "Скопируйте их в настройки АТС сейчас: они хранятся зашифрованными и больше не будут показаны (чтобы получить новые, смените секрет).";
        id: "Id", "ID";
        format: "Format", "Формат";
        state: "State", "Состояние";
        setup: "Setup", "Настройка";
        signed: "(signed)", "(с подписью)";
        enabled: "enabled", "включён";
        disabled: "disabled", "выключен";
        config_file: "configuration file", "файл конфигурации";
        rotate: "Rotate secret", "Сменить секрет";
        disable: "Disable", "Выключить";
        enable: "Enable", "Включить";
        no_sources: "No sources yet.", "Источников ещё нет.";
        add_source_h: "Add a source", "Добавить источник";
        need_key: "Set <code>[secrets] key</code> in the configuration to add sources here.", "Чтобы добавлять источники здесь, задайте <code>[secrets] key</code> в конфигурации.";
        id_in_url: "Id (in the URL)", "ID (в URL)";
        add_source: "Add source", "Добавить источник";
        hint_generic: "POST JSON events with Authorization: Bearer <token>, or sign the body with X-Orderline-Signature (see docs/webhooks.md).", "Отправляйте события JSON методом POST с заголовком Authorization: Bearer <токен> или подписывайте тело заголовком X-Orderline-Signature (см. docs/webhooks.md).";
        hint_zammad: "In the PBX's Generic CTI settings, paste the URL with the token as its last path segment (/webhooks/<id>/<token>).", "В настройках Generic CTI на АТС укажите URL с токеном в конце пути (/webhooks/<id>/<токен>).";
        hint_sip: "Point the SIP proxy's HTTP mirror at the URL with Content-Type message/sip and Authorization: Bearer <token>.", "Направьте HTTP-зеркало SIP-прокси на этот URL с Content-Type message/sip и Authorization: Bearer <токен>.";
    }
}

impl Admin {
    /// The notice text of a `done` code ("" for none or an unknown one).
    pub fn notice(&self, done: Option<&str>) -> &'static str {
        match done.unwrap_or("") {
            "created" => self.done_created,
            "saved" => self.done_saved,
            "password" => self.done_password,
            "removed" => self.done_removed,
            "merged" => self.done_merged,
            "ran" => self.done_ran,
            _ => "",
        }
    }

    /// How to set up a source of a format (the API's `hint`, in the page's language).
    pub fn source_hint(&self, format: &str) -> &'static str {
        match format {
            "zammad" => self.hint_zammad,
            "sip" => self.hint_sip,
            _ => self.hint_generic,
        }
    }

    /// A role code in words.
    pub fn role_name(&self, code: &str) -> &'static str {
        match code {
            "manager" => self.role_manager,
            "admin" => self.role_admin,
            _ => self.role_operator,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_notices_and_hints_are_the_former_words() {
        assert_eq!(EN.notice(Some("ran")), "Retention ran.");
        assert_eq!(EN.notice(Some("<script>")), "");
        assert!(EN.source_hint("sip").starts_with("Point the SIP proxy"));
        assert!(RU.source_hint("zammad").contains("Generic CTI"));
    }
}
