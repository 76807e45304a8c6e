//! Building blocks of the managers' access pages: moments shown both
//! exactly and relatively ([`when`]), page links ([`pager`]), the tables of
//! grants ([`grant_tables`]) and the export links ([`export_links`]).

pub mod export_links;
pub mod grant_tables;
pub mod pager;
pub mod when;
