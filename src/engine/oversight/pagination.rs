//! Pages of a long list: which items one page holds, and the links to the
//! others. Page numbers come from the address bar, so every bad one gets a
//! sentence, never a panic.

use std::ops::Range;

use crate::wire::audit_trail::{PageLink, Pagination};

/// How many items one page shows.
pub const PER_PAGE: usize = 50;

/// How many pages on each side of the current one get a link.
const AROUND: usize = 2;

/// A page number as typed: empty means the first page.
pub fn parse_page(text: &str) -> Result<usize, String> {
    let text = text.trim();
    if text.is_empty() {
        return Ok(1);
    }
    match text.parse::<usize>() {
        Ok(0) | Err(_) => Err(format!(
            "“{text}” is not a page number; pages are numbered from 1."
        )),
        Ok(page) => Ok(page),
    }
}

/// The items of `page` among `total`, `per_page` at a time, and where that
/// page sits; `href(n)` is the address of page `n`. A list with no items
/// has one (empty) page; a page past the last is refused in words.
pub fn paginate(
    total: usize,
    page: usize,
    per_page: usize,
    href: impl Fn(usize) -> String,
) -> Result<(Range<usize>, Pagination), String> {
    let per_page = per_page.max(1);
    let pages = total.div_ceil(per_page).max(1);
    if page == 0 || page > pages {
        let noun = if pages == 1 { "page" } else { "pages" };
        return Err(format!(
            "Page {page} does not exist: there {} {pages} {noun}.",
            if pages == 1 { "is" } else { "are" }
        ));
    }
    let start = (page - 1) * per_page;
    let end = (start + per_page).min(total);
    let mut numbers: Vec<usize> = vec![1, pages];
    numbers.extend(page.saturating_sub(AROUND).max(1)..=(page + AROUND).min(pages));
    numbers.sort_unstable();
    numbers.dedup();
    let pagination = Pagination {
        page,
        pages,
        first: if total == 0 { 0 } else { start + 1 },
        last: end,
        total,
        previous: (page > 1).then(|| href(page - 1)),
        next: (page < pages).then(|| href(page + 1)),
        links: numbers
            .into_iter()
            .map(|number| PageLink {
                number,
                href: href(number),
                current: number == page,
            })
            .collect(),
    };
    Ok((start..end, pagination))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn href(n: usize) -> String {
        format!("/audit?page={n}")
    }

    #[test]
    fn an_empty_page_number_is_the_first_page_and_nonsense_is_refused() {
        assert_eq!(parse_page(""), Ok(1));
        assert_eq!(parse_page(" 3 "), Ok(3));
        for bad in ["0", "-1", "two", "1.5", "99999999999999999999999"] {
            let error = parse_page(bad).unwrap_err();
            assert!(error.contains("not a page number"), "{bad}: {error}");
        }
    }

    #[test]
    fn pages_hold_per_page_items_and_the_last_holds_the_rest() {
        let (range, page) = paginate(120, 1, 50, href).unwrap();
        assert_eq!(range, 0..50);
        assert_eq!(
            (page.first, page.last, page.total, page.pages),
            (1, 50, 120, 3)
        );
        assert_eq!(page.previous, None);
        assert_eq!(page.next.as_deref(), Some("/audit?page=2"));

        let (range, page) = paginate(120, 3, 50, href).unwrap();
        assert_eq!(range, 100..120);
        assert_eq!((page.first, page.last), (101, 120));
        assert_eq!(page.previous.as_deref(), Some("/audit?page=2"));
        assert_eq!(page.next, None);
    }

    #[test]
    fn exactly_full_pages_make_no_empty_last_page() {
        let (_, page) = paginate(100, 2, 50, href).unwrap();
        assert_eq!(page.pages, 2);
        assert!(paginate(100, 3, 50, href).is_err());
    }

    #[test]
    fn nothing_at_all_is_one_empty_page() {
        let (range, page) = paginate(0, 1, 50, href).unwrap();
        assert!(range.is_empty());
        assert_eq!((page.first, page.last, page.pages), (0, 0, 1));
        assert_eq!(page.links.len(), 1);
    }

    #[test]
    fn a_page_past_the_last_is_refused_in_words() {
        assert_eq!(
            paginate(120, 4, 50, href).unwrap_err(),
            "Page 4 does not exist: there are 3 pages."
        );
        assert_eq!(
            paginate(3, 2, 50, href).unwrap_err(),
            "Page 2 does not exist: there is 1 page."
        );
    }

    #[test]
    fn links_show_the_ends_and_the_pages_around_the_current_one() {
        let (_, page) = paginate(1_000, 10, 50, href).unwrap();
        let numbers: Vec<usize> = page.links.iter().map(|l| l.number).collect();
        assert_eq!(numbers, [1, 8, 9, 10, 11, 12, 20]);
        assert!(
            page.links
                .iter()
                .filter(|l| l.current)
                .all(|l| l.number == 10)
        );
        assert_eq!(page.links[0].href, "/audit?page=1");
    }
}
