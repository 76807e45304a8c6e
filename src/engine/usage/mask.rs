//! What of a call's payload may be kept as a sample: nothing for models
//! whose data is `Confidential` or `Restricted`; for others, the first
//! [`SAMPLE_CHARS`] characters with e-mail addresses, card numbers and
//! phone numbers masked and control characters removed.
//!
//! Masking errs towards hiding: any run of 13 to 19 digits (with spaces or
//! dashes between) is masked as a card number, any other run of 7 to 15
//! digits (with `+`, spaces, dashes, dots or parentheses) as a phone
//! number, except a date (`YYYY-MM-DD`). Only ASCII digits are recognised; payloads of other scripts'
//! digits are kept as they are (cut short all the same).

use crate::crd::DataClassification;

/// The longest sample, in characters.
pub const SAMPLE_CHARS: usize = 200;

/// What replaces a masked e-mail address.
pub const EMAIL: &str = "[email]";
/// What replaces a masked card number.
pub const CARD: &str = "[card]";
/// What replaces a masked phone number.
pub const PHONE: &str = "[phone]";

/// The sample kept of `payload` for a model of `classification`: `None`
/// when its data may not be kept.
pub fn sample(payload: &[u8], classification: DataClassification) -> Option<String> {
    if classification >= DataClassification::Confidential {
        return None;
    }
    // Mask before cutting, so a number cut in half is still masked; read
    // at most a little more than the sample needs.
    let head = &payload[..payload.len().min(SAMPLE_CHARS * 8)];
    let text = String::from_utf8_lossy(head);
    let masked = mask(&text);
    Some(masked.chars().take(SAMPLE_CHARS).collect())
}

/// Whether `run` is a calendar date, `YYYY-MM-DD`, which is kept.
fn is_date(run: &str) -> bool {
    let bytes = run.as_bytes();
    bytes.len() == 10
        && bytes[4] == b'-'
        && bytes[7] == b'-'
        && bytes
            .iter()
            .enumerate()
            .all(|(i, b)| i == 4 || i == 7 || b.is_ascii_digit())
}

/// `text` with e-mail addresses, card and phone numbers masked, and
/// control characters (line breaks included) as spaces.
pub fn mask(text: &str) -> String {
    let clean: String = text
        .chars()
        .map(|c| if c.is_control() { ' ' } else { c })
        .collect();
    mask_numbers(&mask_emails(&clean))
}

fn is_local_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '%' | '+' | '-' | '\'')
}

fn is_domain_part(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '.' | '-')
}

fn mask_emails(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut start = 0;
    let mut i = 0;
    while i < chars.len() {
        if chars[i] == '@' {
            let mut left = i;
            while left > start && is_local_part(chars[left - 1]) {
                left -= 1;
            }
            let mut right = i + 1;
            while right < chars.len() && is_domain_part(chars[right]) {
                right += 1;
            }
            let domain: String = chars[i + 1..right].iter().collect();
            let domain = domain.trim_end_matches('.');
            if left < i && domain.contains('.') && !domain.starts_with('.') {
                out.extend(&chars[start..left]);
                out.push_str(EMAIL);
                // Keep a trailing dot that ended a sentence.
                let end = i + 1 + domain.chars().count();
                start = end;
                i = end;
                continue;
            }
        }
        i += 1;
    }
    out.extend(&chars[start..]);
    out
}

fn mask_numbers(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let starts = chars[i].is_ascii_digit()
            || (matches!(chars[i], '+' | '(')
                && chars
                    .get(i + 1)
                    .is_some_and(|c| c.is_ascii_digit() || *c == '('));
        if !starts {
            out.push(chars[i]);
            i += 1;
            continue;
        }
        let mut end = i;
        let mut digits = 0;
        let mut last_digit = i;
        let mut card_like = true;
        while end < chars.len() {
            let c = chars[end];
            if c.is_ascii_digit() {
                digits += 1;
                last_digit = end;
            } else if matches!(c, ' ' | '-') {
                // A separator counts only between digits.
                if !chars
                    .get(end + 1)
                    .is_some_and(|n| n.is_ascii_digit() || matches!(n, '(' | ' ' | '-'))
                {
                    break;
                }
            } else if matches!(c, '+' | '(' | ')' | '.') {
                card_like = false;
                if c == '.' && !chars.get(end + 1).is_some_and(char::is_ascii_digit) {
                    break;
                }
            } else {
                break;
            }
            end += 1;
        }
        let run_end = last_digit + 1;
        let run: String = chars[i..run_end.max(i + 1)].iter().collect();
        if is_date(&run) {
            out.push_str(&run);
        } else if (13..=19).contains(&digits) && card_like {
            out.push_str(CARD);
        } else if (7..=19).contains(&digits) {
            out.push_str(PHONE);
        } else {
            out.extend(&chars[i..run_end.max(i + 1)]);
        }
        i = run_end.max(i + 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn e_mail_addresses_are_masked() {
        assert_eq!(
            mask("write to alice.smith+ai@example.co.uk. Thanks"),
            "write to [email]. Thanks"
        );
        assert_eq!(
            mask("{\"to\":\"bob@corp.example\"}"),
            "{\"to\":\"[email]\"}"
        );
        // Not an address: no domain, or nothing before the @.
        assert_eq!(mask("@home and me@localhost"), "@home and me@localhost");
    }

    #[test]
    fn card_numbers_are_masked_with_or_without_separators() {
        assert_eq!(mask("card 4111 1111 1111 1111 ok"), "card [card] ok");
        assert_eq!(mask("4111-1111-1111-1111"), "[card]");
        assert_eq!(mask("\"pan\":\"5500000000000004\""), "\"pan\":\"[card]\"");
    }

    #[test]
    fn phone_numbers_are_masked() {
        assert_eq!(mask("call +44 20 7946 0958 now"), "call [phone] now");
        assert_eq!(mask("(555) 123-4567"), "[phone]");
        assert_eq!(mask("tel:0301234567"), "tel:[phone]");
    }

    #[test]
    fn ordinary_numbers_are_kept() {
        assert_eq!(
            mask("{\"amount\": 912.5, \"hour\": 3, \"merchant_risk\": 0.8}"),
            "{\"amount\": 912.5, \"hour\": 3, \"merchant_risk\": 0.8}"
        );
        assert_eq!(mask("2026-12-06"), "2026-12-06");
    }

    #[test]
    fn control_characters_become_spaces() {
        assert_eq!(mask("a\nb\r\u{1b}[31mc"), "a b  [31mc");
    }

    #[test]
    fn confidential_and_restricted_payloads_are_never_kept() {
        let payload = b"{\"text\": \"hello\"}";
        assert_eq!(sample(payload, DataClassification::Confidential), None);
        assert_eq!(sample(payload, DataClassification::Restricted), None);
        assert_eq!(
            sample(payload, DataClassification::Internal).as_deref(),
            Some("{\"text\": \"hello\"}")
        );
    }

    #[test]
    fn a_sample_is_cut_short_after_masking() {
        let long = format!("{} 4111111111111111", "x".repeat(SAMPLE_CHARS - 5));
        let kept = sample(long.as_bytes(), DataClassification::Public).unwrap();
        assert_eq!(kept.chars().count(), SAMPLE_CHARS);
        assert!(!kept.contains("4111"), "{kept}");
    }

    proptest::proptest! {
        #[test]
        fn hostile_payloads_never_leak_an_address_or_a_number(
            before in "[a-zA-Z{}\":, \u{0}-\u{1f}\u{202e}]{0,40}",
            local in "[a-z][a-z0-9._+-]{0,15}",
            domain in "[a-z][a-z0-9-]{0,10}\\.[a-z]{2,6}",
            card in "[0-9]{13,19}",
            phone in "\\+[0-9]{2} [0-9]{3} [0-9]{4,6}",
            after in "[a-zA-Z{}\":, ]{0,40}",
        ) {
            let address = format!("{local}@{domain}");
            let payload = format!("{before} {address} {card} {phone} {after}");
            let kept = mask(&payload);
            proptest::prop_assert!(!kept.contains(&address), "{kept}");
            proptest::prop_assert!(!kept.contains(&card), "{kept}");
            proptest::prop_assert!(!kept.contains(&phone), "{kept}");
            proptest::prop_assert!(!kept.chars().any(char::is_control), "{kept:?}");
            let sampled = sample(payload.as_bytes(), DataClassification::Public).unwrap();
            proptest::prop_assert!(sampled.chars().count() <= SAMPLE_CHARS);
        }
    }
}
