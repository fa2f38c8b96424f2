//! CSV import and export of the client base (being written).
