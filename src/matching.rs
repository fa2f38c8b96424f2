//! Caller matching: who is behind a number. Used by the lookup endpoint and, at the first
//! event of every call, by the call-event ingest.

use serde::Serialize;

use crate::{
    db::{self, Db, DbResult},
    domain::{CallerNumber, PhoneRegion},
};

/// What kind of caller this is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchKind {
    /// Exactly one client has this number.
    Client,
    /// Several clients share this number (a switchboard).
    Ambiguous,
    /// A valid external number nobody has (or a number that is not valid at all).
    Unknown,
    /// The number was withheld.
    Anonymous,
    /// An internal extension.
    Internal,
}

/// A personal manager as the lookup shows it (a PBX may route the call to them).
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct ManagerRef {
    /// Login.
    pub login: String,
    /// Extension.
    pub extension: Option<String>,
}

/// One candidate client.
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct MatchedClient {
    /// Client id.
    pub client_id: i64,
    /// Display name.
    pub name: String,
    /// Company.
    pub company: Option<String>,
    /// Personal manager.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub personal_manager: Option<ManagerRef>,
}

/// The answer to "who is calling?".
#[derive(Clone, Debug, Serialize, PartialEq)]
pub struct CallerMatch {
    /// The normalised number (E.164), when there is one.
    pub number: Option<String>,
    /// Candidates, the most recently ordering first.
    pub matches: Vec<MatchedClient>,
    /// What kind of caller.
    pub kind: MatchKind,
}

impl CallerMatch {
    /// The name a phone display should show: the best candidate's name (with the company for
    /// businesses), or nothing.
    pub fn display_name(&self) -> Option<String> {
        let best = self.matches.first()?;
        Some(match &best.company {
            Some(c) if c != &best.name => format!("{} ({c})", best.name),
            _ => best.name.clone(),
        })
    }
}

/// Classifies and looks up a caller id as a PBX or a person sent it.
pub async fn match_caller(db: &Db, region: PhoneRegion, raw: &str) -> DbResult<CallerMatch> {
    Ok(match_and_block(db, region, raw).await?.0)
}

/// [`match_caller`], and whether the number is on the block list (never for a withheld,
/// internal or invalid one), read in the same statement.
pub async fn match_and_block(
    db: &Db,
    region: PhoneRegion,
    raw: &str,
) -> DbResult<(CallerMatch, bool)> {
    let number = match CallerNumber::classify(raw, region) {
        CallerNumber::External(n) => n,
        CallerNumber::Anonymous => return Ok((empty(None, MatchKind::Anonymous), false)),
        // `number` is E.164 or null; an extension is neither.
        CallerNumber::Internal(_) => return Ok((empty(None, MatchKind::Internal), false)),
        CallerNumber::Invalid(_) => return Ok((empty(None, MatchKind::Unknown), false)),
    };
    let (rows, blocked) = db::lookup::by_e164(db, number.e164()).await?;
    let kind = match rows.len() {
        0 => MatchKind::Unknown,
        1 => MatchKind::Client,
        _ => MatchKind::Ambiguous,
    };
    let matches = rows
        .into_iter()
        .map(|r| MatchedClient {
            client_id: r.client_id,
            name: r.name,
            company: r.company,
            personal_manager: r.manager_login.map(|login| ManagerRef {
                login,
                extension: r.manager_extension,
            }),
        })
        .collect();
    let caller = CallerMatch {
        number: Some(number.e164().to_owned()),
        matches,
        kind,
    };
    Ok((caller, blocked))
}

fn empty(number: Option<String>, kind: MatchKind) -> CallerMatch {
    CallerMatch {
        number,
        matches: Vec::new(),
        kind,
    }
}
