//! Raw SIP through rsip (being written).
