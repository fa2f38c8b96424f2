//! The documented column names (canonical and Russian aliases) and the mapping of a file's header
//! row onto them. The exporter writes the same canonical names, so the two cannot drift apart.

use super::csv_read::ImportError;

/// A column the importer understands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Field {
    ExternalId,
    Name,
    Company,
    Phones,
    Email,
    Address,
    Notes,
    Tags,
}

impl Field {
    /// Every field, in the order of the canonical header.
    pub(crate) const ALL: [Field; 8] = [
        Field::ExternalId,
        Field::Name,
        Field::Company,
        Field::Phones,
        Field::Email,
        Field::Address,
        Field::Notes,
        Field::Tags,
    ];

    /// The canonical column name (the first accepted name).
    pub(crate) fn canonical(self) -> &'static str {
        self.names()[0]
    }

    /// Every accepted header text, canonical first; matched ignoring case and outer spaces.
    pub(crate) fn names(self) -> &'static [&'static str] {
        match self {
            Field::ExternalId => &["external_id", "Код"],
            Field::Name => &["name", "Имя", "ФИО"],
            Field::Company => &["company", "Компания", "Организация"],
            Field::Phones => &["phones", "Телефон", "Телефоны"],
            Field::Email => &["email", "E-mail", "Почта"],
            Field::Address => &["address", "Адрес"],
            Field::Notes => &["notes", "Примечание", "Комментарий"],
            Field::Tags => &["tags", "Теги", "Метки"],
        }
    }

    fn from_title(title: &str) -> Option<Field> {
        let key = title.trim().to_lowercase();
        Field::ALL
            .into_iter()
            .find(|f| f.names().iter().any(|n| n.to_lowercase() == key))
    }
}

/// The header row mapped onto [`Field`]s.
#[derive(Debug)]
pub(crate) struct Columns {
    /// For each position in a row, the field it holds (`None`: an ignored column).
    fields: Vec<Option<Field>>,
    /// The header texts as written (trimmed): problems name columns the way the file does.
    titles: Vec<String>,
    warnings: Vec<String>,
}

impl Columns {
    /// Maps header texts; fails without a name column or when two columns mean the same field.
    pub(crate) fn from_titles(titles: Vec<String>) -> Result<Columns, ImportError> {
        let titles: Vec<String> = titles.into_iter().map(|t| t.trim().to_owned()).collect();
        let mut fields: Vec<Option<Field>> = Vec::with_capacity(titles.len());
        let mut warnings = Vec::new();
        for (i, title) in titles.iter().enumerate() {
            let field = Field::from_title(title);
            match field {
                Some(f) => {
                    if let Some(first) = fields.iter().position(|&g| g == Some(f)) {
                        let (first, second) = (titles[first].clone(), title.clone());
                        return Err(ImportError::DuplicateColumn {
                            first,
                            second,
                            field: f.canonical(),
                        });
                    }
                }
                None => warnings.push(unknown_column_warning(i, title)),
            }
            fields.push(field);
        }
        if !fields.contains(&Some(Field::Name)) {
            return Err(ImportError::NoNameColumn { found: titles });
        }
        Ok(Columns {
            fields,
            titles,
            warnings,
        })
    }

    /// How many fields every row must have.
    pub(crate) fn len(&self) -> usize {
        self.fields.len()
    }

    /// The position of `field` in a row, if the file has that column.
    pub(crate) fn index(&self, field: Field) -> Option<usize> {
        self.fields.iter().position(|&f| f == Some(field))
    }

    /// The header text of the column at `index`.
    pub(crate) fn title(&self, index: usize) -> &str {
        &self.titles[index]
    }

    /// One line per ignored column.
    pub(crate) fn warnings(&self) -> &[String] {
        &self.warnings
    }
}

fn unknown_column_warning(index: usize, title: &str) -> String {
    let position = index + 1;
    if title.is_empty() {
        format!("column {position} has no name and is ignored")
    } else {
        format!("column {position} `{title}` is not a known column and is ignored")
    }
}

/// `external_id (Код), name (Имя, ФИО), …` for the error message.
pub(crate) fn accepted_names() -> String {
    let field_names = |f: Field| match f.names() {
        [canonical, aliases @ ..] => format!("{canonical} ({})", aliases.join(", ")),
        [] => String::new(),
    };
    Field::ALL.map(field_names).join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn titles(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn aliases_match_ignoring_case_and_outer_spaces() {
        let columns =
            Columns::from_titles(titles(&[" фио ", "ТЕЛЕФОНЫ", "e-mail", "Код"])).unwrap();
        assert_eq!(columns.index(Field::Name), Some(0));
        assert_eq!(columns.index(Field::Phones), Some(1));
        assert_eq!(columns.index(Field::Email), Some(2));
        assert_eq!(columns.index(Field::ExternalId), Some(3));
        assert_eq!(columns.title(0), "фио");
        assert!(columns.warnings().is_empty());
    }

    #[test]
    fn unknown_and_unnamed_columns_are_ignored_with_one_warning_each() {
        let columns = Columns::from_titles(titles(&["name", "Город", ""])).unwrap();
        assert_eq!(columns.len(), 3);
        assert_eq!(
            columns.warnings(),
            [
                "column 2 `Город` is not a known column and is ignored",
                "column 3 has no name and is ignored",
            ]
        );
    }

    #[test]
    fn a_header_without_a_name_column_is_refused_with_what_was_found_and_accepted() {
        let err = Columns::from_titles(titles(&["Фамилия", "Телефон"])).unwrap_err();
        let message = err.to_string();
        assert!(message.contains("`Фамилия`, `Телефон`"), "{message}");
        assert!(message.contains("name (Имя, ФИО)"), "{message}");
    }

    #[test]
    fn two_columns_for_the_same_field_are_refused() {
        let err = Columns::from_titles(titles(&["name", "Телефон", "Телефоны"])).unwrap_err();
        assert_eq!(
            err.to_string(),
            "the columns `Телефон` and `Телефоны` both mean `phones`; keep one of them"
        );
    }

    #[test]
    fn accepted_names_lists_every_field_with_its_aliases() {
        let list = accepted_names();
        assert!(
            list.starts_with("external_id (Код), name (Имя, ФИО), company"),
            "{list}"
        );
        assert!(list.ends_with("tags (Теги, Метки)"), "{list}");
    }
}
