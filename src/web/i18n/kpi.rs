//! KPI names and their formulas in words ("every number has its formula one click away"), and
//! the words of the SVG charts. The English formulas are those the JSON API returns
//! (`reports::kpi`), which stays English whatever the user's language: a test holds them equal.

use crate::{config::Language, reports::charts::ChartWords};

page_texts! {
    /// KPI names (`x`) and formulas (`x_f`).
    KpiTexts {
        offered: "Offered", "Поступившие";
        offered_f: "calls that rang in the period, in the chosen direction (inbound unless stated), blocked calls excluded", "звонки, поступившие за период в выбранном направлении (по умолчанию входящие), без заблокированных";
        answered: "Answered", "Отвеченные";
        answered_f: "offered calls that were answered", "поступившие звонки, на которые ответили";
        missed: "Missed", "Пропущенные";
        missed_f: "offered calls that ended unanswered and were not forwarded", "поступившие звонки, завершившиеся без ответа и не переадресованные";
        short_abandons: "Short abandons", "Короткие сбросы";
        short_abandons_f: "missed calls with wait < S seconds", "пропущенные звонки с ожиданием < S секунд";
        abandon_rate: "Abandon rate", "Доля потерянных";
        abandon_rate_f: "(missed − short abandons) ÷ (offered − short abandons)", "(пропущенные − короткие сбросы) ÷ (поступившие − короткие сбросы)";
        service_level: "Service level", "Уровень обслуживания (SL)";
        service_level_f: "answered with wait ≤ T seconds ÷ (offered − short abandons)", "отвеченные с ожиданием ≤ T секунд ÷ (поступившие − короткие сбросы)";
        asa: "ASA", "Среднее время ответа (ASA)";
        asa_f: "sum of wait_seconds of answered calls ÷ answered", "сумма времени ожидания (wait_seconds) отвеченных звонков ÷ отвеченные";
        average_talk: "Average talk", "Среднее время разговора";
        average_talk_f: "sum of talk_seconds of answered calls ÷ answered", "сумма времени разговора (talk_seconds) отвеченных звонков ÷ отвеченные";
        aht: "AHT", "Среднее время обработки (AHT)";
        aht_f: "(talk + wrap-up) ÷ answered calls that have an outcome; wrap-up = outcome saved − hang-up, capped", "(разговор + поствызов) ÷ отвеченные звонки с результатом; поствызов = сохранение результата − конец звонка, с ограничением сверху";
        conversion: "Conversion", "Конверсия";
        conversion_f: "answered calls with an order linked (not cancelled) ÷ answered", "отвеченные звонки с привязанным заказом (не отменённым) ÷ отвеченные";
        revenue: "Revenue", "Выручка";
        revenue_f: "total of the orders (not cancelled) linked to the answered calls of the period", "сумма заказов (не отменённых), привязанных к отвеченным звонкам периода";
        revenue_per_answered: "Revenue per answered call", "Выручка на отвеченный звонок";
        revenue_per_answered_f: "revenue ÷ answered", "выручка ÷ отвеченные";
        callbacks_20: "Callbacks within 20 min", "Перезвон за 20 минут";
        callbacks_20_f: "of missed callers with a callback task: share reached (task closed by an answered call) within 20 min of the missed call's end", "из пропустивших звонок клиентов с задачей на перезвон: доля тех, до кого дозвонились (задача закрыта отвеченным звонком) в течение 20 минут после конца пропущенного звонка";
        callbacks_day: "Callbacks same day", "Перезвон в тот же день";
        callbacks_day_f: "of missed callers with a callback task: share reached (task closed by an answered call) on the same business day as the missed call", "из пропустивших звонок клиентов с задачей на перезвон: доля тех, до кого дозвонились (задача закрыта отвеченным звонком) в тот же рабочий день, что и пропущенный звонок";
        median_reach: "Median time to reach", "Медианное время до дозвона";
        median_reach_f: "median time from the missed call's end to the answer of the call that reached the caller", "медиана времени от конца пропущенного звонка до ответа на звонок, которым дозвонились до клиента";
        repeat_rate: "Repeat-call rate", "Доля повторных звонков";
        repeat_rate_f: "answered calls from a client who had another answered call in the previous 7 days ÷ answered calls from known clients", "отвеченные звонки клиентов, у которых был другой отвеченный звонок за предыдущие 7 дней ÷ отвеченные звонки известных клиентов";
    }
}

const EN_CHARTS: ChartWords = ChartWords {
    by_hour_title: "Calls by hour of day",
    by_hour_hover: "{0}: {1} calls",
    wait_title: "Answered calls by wait time",
    wait_hover: "{0}: {1} answered calls",
    seconds: "s",
    load_title: "Load per operator (talk + wrap-up)",
    load_hover: "{0} % of the load, {1} calls, {2} s talk + {3} s wrap-up",
    pareto_title: "Share of revenue by share of clients (Pareto)",
    pareto_point: "{0} % of clients: {1} % of revenue",
    pareto_mark: "{0} % of clients bring 80 % of revenue",
    axis_x: "share of clients, largest revenue first",
    axis_y: "share of revenue",
};

const RU_CHARTS: ChartWords = ChartWords {
    by_hour_title: "Звонки по часам суток",
    by_hour_hover: "{0} ч — звонков: {1}",
    wait_title: "Отвеченные звонки по времени ожидания",
    wait_hover: "{0} — отвеченных звонков: {1}",
    seconds: "с",
    load_title: "Нагрузка по операторам (разговор + поствызов)",
    load_hover: "{0} % нагрузки; звонков: {1}; разговор {2} с + поствызов {3} с",
    pareto_title: "Доля выручки в зависимости от доли клиентов (Парето)",
    pareto_point: "{0} % клиентов: {1} % выручки",
    pareto_mark: "{0} % клиентов приносят 80 % выручки",
    axis_x: "доля клиентов, по убыванию выручки",
    axis_y: "доля выручки",
};

/// The charts' words for a language.
pub fn chart_words(lang: Language) -> &'static ChartWords {
    match lang {
        Language::En => &EN_CHARTS,
        Language::Ru => &RU_CHARTS,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{
        db::reports::BucketSums,
        reports::{kpi::compute, speed::CallbackSpeed},
    };

    #[test]
    fn the_english_formulas_are_the_api_s() {
        let k = compute(&BucketSums::default(), &CallbackSpeed::default());
        let pairs = [
            (EN.offered_f, k.offered.formula),
            (EN.answered_f, k.answered.formula),
            (EN.missed_f, k.missed.formula),
            (EN.short_abandons_f, k.short_abandons.formula),
            (EN.abandon_rate_f, k.abandon_rate.formula),
            (EN.service_level_f, k.service_level.formula),
            (EN.asa_f, k.asa.formula),
            (EN.average_talk_f, k.average_talk.formula),
            (EN.aht_f, k.aht.formula),
            (EN.conversion_f, k.conversion.formula),
            (EN.revenue_f, k.revenue.formula),
            (EN.revenue_per_answered_f, k.revenue_per_answered.formula),
            (EN.callbacks_20_f, k.callbacks_within_20_min.formula),
            (EN.callbacks_day_f, k.callbacks_same_day.formula),
            (EN.median_reach_f, k.callback_median_seconds.formula),
            (EN.repeat_rate_f, k.repeat_call_rate.formula),
        ];
        for (ours, api) in pairs {
            assert_eq!(ours, api);
        }
    }
}
