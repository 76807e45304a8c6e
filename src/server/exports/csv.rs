//! CSV as spreadsheets read it (RFC 4180, written by the `csv` crate), safe
//! to open: every cell that a spreadsheet would run as a formula is
//! neutralised, because exports carry people's own words (justifications,
//! comments, names).

/// The characters that make a spreadsheet treat a cell as a formula (or, for
/// tab and carriage return, that some spreadsheets strip before looking).
const FORMULA_STARTS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A CSV document: the header line, then one line per row, each ended by
/// CRLF. Rows are written as given; a row shorter or longer than the
/// headers is the caller's mistake and is not padded.
pub fn write_rows<R, C, S>(headers: &[&str], rows: R) -> String
where
    R: IntoIterator<Item = C>,
    C: IntoIterator<Item = S>,
    S: AsRef<str>,
{
    let mut writer = ::csv::WriterBuilder::new()
        .terminator(::csv::Terminator::CRLF)
        .quote_style(::csv::QuoteStyle::Necessary)
        .flexible(true)
        .from_writer(Vec::new());
    write_line(&mut writer, headers.iter());
    for row in rows {
        write_line(&mut writer, row.into_iter());
    }
    let bytes = writer
        .into_inner()
        .expect("writing to memory does not fail");
    String::from_utf8(bytes).expect("the cells are UTF-8")
}

fn write_line<S: AsRef<str>>(writer: &mut ::csv::Writer<Vec<u8>>, cells: impl Iterator<Item = S>) {
    let record: Vec<String> = cells.map(|value| neutralised(value.as_ref())).collect();
    writer
        .write_record(&record)
        .expect("writing to memory does not fail");
}

/// The value, with a leading apostrophe when it would start a formula (also
/// after leading whitespace of any kind, which spreadsheets may trim on
/// import: spaces, but also line breaks and no-break spaces); the writer
/// then quotes it when it holds a comma, a quote or a line break, with
/// quotes doubled.
fn neutralised(value: &str) -> String {
    if value.starts_with(FORMULA_STARTS) || value.trim_start().starts_with(FORMULA_STARTS) {
        format!("'{value}")
    } else {
        value.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// One cell as [`write_rows`] writes it, in a row of two.
    fn cell(value: &str) -> String {
        let text = write_rows(&["", ""], [[value, ""]]);
        let row = text.strip_prefix(",\r\n").expect("the header line");
        row.strip_suffix(",\r\n").expect("one row").to_owned()
    }

    #[test]
    fn plain_values_are_written_as_they_are() {
        let text = write_rows(&["who", "what"], [["alice", "approved"]]);
        assert_eq!(text, "who,what\r\nalice,approved\r\n");
    }

    #[test]
    fn commas_quotes_and_line_breaks_are_quoted() {
        assert_eq!(cell("a,b"), "\"a,b\"");
        assert_eq!(cell("say \"yes\""), "\"say \"\"yes\"\"\"");
        assert_eq!(cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(cell("cr\r\nlf"), "\"cr\r\nlf\"");
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_neutralised() {
        assert_eq!(
            cell("=HYPERLINK(\"http://evil\")"),
            "\"'=HYPERLINK(\"\"http://evil\"\")\""
        );
        assert_eq!(cell("+1+1"), "'+1+1");
        assert_eq!(cell("-2+3"), "'-2+3");
        assert_eq!(cell("@SUM(A1)"), "'@SUM(A1)");
        assert_eq!(cell("  =1+1"), "'  =1+1");
        assert_eq!(cell("\t=1"), "'\t=1");
        assert_eq!(cell("\n=1+1"), "\"'\n=1+1\"");
        assert_eq!(cell("\u{a0}@SUM(A1)"), "'\u{a0}@SUM(A1)");
        assert_eq!(cell("\u{2028}-1"), "'\u{2028}-1");
        assert_eq!(cell("=cmd|' /C calc'!A0,x"), "\"'=cmd|' /C calc'!A0,x\"");
    }

    #[test]
    fn harmless_text_with_formula_characters_inside_is_left_alone() {
        assert_eq!(cell("a=b"), "a=b");
        assert_eq!(cell("alice@example.com"), "alice@example.com");
        assert_eq!(cell("2026-11-27T03:00:00Z"), "2026-11-27T03:00:00Z");
        assert_eq!(cell(""), "");
    }

    #[test]
    fn a_hostile_row_stays_one_row_with_every_cell_in_place() {
        let hostile = "=1+1,\"\n@x";
        let text = write_rows(&["a", "b"], [vec![hostile.to_owned(), "ok".to_owned()]]);
        assert_eq!(text, "a,b\r\n\"'=1+1,\"\"\n@x\",ok\r\n");
        assert!(text.ends_with(",ok\r\n"));
    }

    #[test]
    fn the_header_line_is_escaped_too() {
        assert_eq!(
            write_rows(&["a,b"], Vec::<Vec<String>>::new()),
            "\"a,b\"\r\n"
        );
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    fn cell() -> impl Strategy<Value = String> {
        mixed(
            prop::sample::select(vec!["alice", "=1+1", "-5", "@x", "a,b", "x\"y"])
                .prop_map(str::to_owned),
        )
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn every_cell_reads_back_in_place_and_never_as_a_formula(
            rows in prop::collection::vec(prop::collection::vec(cell(), 1..4), 0..4),
        ) {
            let text = write_rows(&["a", "b", "c"], rows.clone());
            let mut reader = ::csv::ReaderBuilder::new()
                .has_headers(true)
                .flexible(true)
                .from_reader(text.as_bytes());
            let read: Vec<Vec<String>> = reader
                .records()
                .map(|record| record.unwrap().iter().map(str::to_owned).collect())
                .collect();
            prop_assert_eq!(read.len(), rows.len());
            for (written, back) in rows.iter().zip(&read) {
                prop_assert_eq!(written.len(), back.len());
                for (cell, back) in written.iter().zip(back) {
                    prop_assert!(back == cell || *back == format!("'{cell}"), "{:?} read as {:?}", cell, back);
                    let shown = back.trim_start();
                    prop_assert!(
                        !shown.starts_with(FORMULA_STARTS) && !back.starts_with(FORMULA_STARTS),
                        "{:?} would run as a formula", back
                    );
                }
            }
        }
    }
}
