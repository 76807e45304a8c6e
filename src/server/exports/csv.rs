//! CSV as spreadsheets read it (RFC 4180), safe to open: every cell that a
//! spreadsheet would run as a formula is neutralised, because exports carry
//! people's own words (justifications, comments, names).

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
    let mut out = String::new();
    write_line(&mut out, headers.iter());
    for row in rows {
        write_line(&mut out, row.into_iter());
    }
    out
}

fn write_line<S: AsRef<str>>(out: &mut String, cells: impl Iterator<Item = S>) {
    for (index, value) in cells.enumerate() {
        if index > 0 {
            out.push(',');
        }
        out.push_str(&cell(value.as_ref()));
    }
    out.push_str("\r\n");
}

/// One cell: a leading apostrophe when it would start a formula (also after
/// leading spaces), then quoted when it holds a comma, a quote or a line
/// break, with quotes doubled.
pub fn cell(value: &str) -> String {
    let starts_formula = value.trim_start_matches(' ').starts_with(FORMULA_STARTS);
    let value = if starts_formula {
        format!("'{value}")
    } else {
        value.to_owned()
    };
    if value.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", value.replace('"', "\"\""))
    } else {
        value
    }
}

#[cfg(test)]
mod tests {
    use super::*;

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
