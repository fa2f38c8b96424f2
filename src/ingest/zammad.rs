//! Zammad Generic CTI (being written).
