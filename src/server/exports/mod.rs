//! Downloads the portal offers: the pure [`csv`] writer shared by every
//! export, and the [`download`] answer (type, dated file name) around a body.

pub mod csv;
pub mod download;
