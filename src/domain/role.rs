//! Roles and what each may do, in one table.

use serde::{Deserialize, Serialize};

/// Who is asking: people log in as operator, manager or admin; machines hold tokens of role
/// pbx, manager or admin.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Role {
    /// A PBX: may only ask who is calling (and, later, post call events).
    Pbx,
    /// Answers the phone, takes orders, works callbacks.
    Operator,
    /// Reads calls and reports, manages clients and outbound lists.
    Manager,
    /// May do everything.
    Admin,
}

/// Something a role may or may not do. Handlers ask for one of these, never for a role by name,
/// so that this file is the whole permission model.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Permission {
    /// `GET /api/v1/lookup`.
    Lookup,
    /// Read clients, products and orders.
    ReadClients,
    /// Create and edit clients, create orders.
    WriteClients,
    /// Soft-delete clients.
    DeleteClients,
    /// Edit the product catalogue.
    WriteProducts,
    /// Read calls and reports.
    ReadReports,
    /// Add and remove blocked numbers.
    ManageBlockList,
    /// Log call outcomes and work the callback worklist (the operator's desk).
    WorkCalls,
    /// Hand out outbound call lists to operators.
    AssignWork,
    /// Users, tokens, sources, settings.
    Administer,
    /// Export calls and orders with phone numbers in full (others get all but the last 4
    /// digits masked). The roles that have it by default; `[privacy]
    /// export_full_numbers_roles` can say otherwise.
    ExportFullNumbers,
}

impl Role {
    /// The text stored in the database and used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Pbx => "pbx",
            Role::Operator => "operator",
            Role::Manager => "manager",
            Role::Admin => "admin",
        }
    }

    /// Parses the stored or typed text.
    pub fn parse(s: &str) -> Option<Role> {
        match s.trim().to_ascii_lowercase().as_str() {
            "pbx" => Some(Role::Pbx),
            "operator" => Some(Role::Operator),
            "manager" => Some(Role::Manager),
            "admin" => Some(Role::Admin),
            _ => None,
        }
    }

    /// Whether this role may do `p`.
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => true,
            Role::Pbx => matches!(p, Lookup),
            Role::Operator => matches!(p, Lookup | ReadClients | WriteClients | WorkCalls),
            Role::Manager => matches!(
                p,
                Lookup
                    | ReadClients
                    | WriteClients
                    | DeleteClients
                    | ReadReports
                    | WorkCalls
                    | AssignWork
            ),
        }
    }
}

impl std::fmt::Display for Role {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pbx_may_only_look_up() {
        assert!(Role::Pbx.can(Permission::Lookup));
        for p in [
            Permission::ReadClients,
            Permission::WriteClients,
            Permission::ReadReports,
            Permission::Administer,
        ] {
            assert!(!Role::Pbx.can(p), "{p:?}");
        }
    }

    #[test]
    fn only_admin_exports_full_numbers_by_default() {
        assert!(Role::Admin.can(Permission::ExportFullNumbers));
        assert!(!Role::Manager.can(Permission::ExportFullNumbers));
    }

    #[test]
    fn only_admin_administers() {
        assert!(Role::Admin.can(Permission::Administer));
        assert!(!Role::Manager.can(Permission::Administer));
        assert!(!Role::Operator.can(Permission::Administer));
    }

    #[test]
    fn roles_round_trip_through_text() {
        for r in [Role::Pbx, Role::Operator, Role::Manager, Role::Admin] {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
