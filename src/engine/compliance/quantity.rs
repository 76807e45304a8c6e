//! Kubernetes resource quantities (`500m`, `2Gi`, `1e3`) as numbers.

/// The largest magnitude a quantity has: the apiserver caps larger ones at
/// 2^63 - 1 in base units.
pub const LARGEST: f64 = i64::MAX as f64;

/// The value of a quantity in base units (cores, bytes, devices), or `None`
/// when it is not a valid quantity. Always a finite number: an exponent
/// beyond `f64` is capped at [`LARGEST`] as the apiserver caps it, and zero
/// stays zero whatever its exponent (callers use NaN to mean "no value").
pub fn parse(text: &str) -> Option<f64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '+' || c == '-'))
        .unwrap_or(text.len());
    let (number, suffix) = text.split_at(split);
    let number: f64 = number.parse().ok()?;
    let factor = match suffix {
        "" => 1.0,
        "n" => 1e-9,
        "u" => 1e-6,
        "m" => 1e-3,
        "k" => 1e3,
        "M" => 1e6,
        "G" => 1e9,
        "T" => 1e12,
        "P" => 1e15,
        "E" => 1e18,
        "Ki" => 1024f64,
        "Mi" => 1024f64.powi(2),
        "Gi" => 1024f64.powi(3),
        "Ti" => 1024f64.powi(4),
        "Pi" => 1024f64.powi(5),
        "Ei" => 1024f64.powi(6),
        exponent => {
            let exponent: i32 = exponent.strip_prefix(['e', 'E'])?.parse().ok()?;
            10f64.powi(exponent)
        }
    };
    if number == 0.0 {
        return Some(0.0);
    }
    Some((number * factor).clamp(-LARGEST, LARGEST))
}

#[cfg(test)]
mod tests {
    use super::parse;

    #[test]
    fn parses_decimal_binary_and_exponent_suffixes() {
        assert_eq!(parse("500m"), Some(0.5));
        assert_eq!(parse("2"), Some(2.0));
        assert_eq!(parse("1Gi"), Some(1073741824.0));
        assert_eq!(parse("128M"), Some(128e6));
        assert_eq!(parse("1e3"), Some(1000.0));
        assert_eq!(parse("1.5Ki"), Some(1536.0));
        assert_eq!(parse("lots"), None);
        assert_eq!(parse("5Zi"), None);
    }

    #[test]
    fn exponents_beyond_a_float_are_capped_and_zero_stays_zero() {
        assert_eq!(parse("0e400"), Some(0.0));
        assert_eq!(parse("1e400"), Some(super::LARGEST));
        assert_eq!(parse("-1e400"), Some(-super::LARGEST));
        assert_eq!(parse("1e-400"), Some(0.0));
    }
}

#[cfg(test)]
mod properties {
    use super::{LARGEST, parse};
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    const SUFFIXES: [(&str, f64); 8] = [
        ("", 1.0),
        ("m", 1e-3),
        ("k", 1e3),
        ("M", 1e6),
        ("G", 1e9),
        ("Ki", 1024.0),
        ("Mi", 1048576.0),
        ("Gi", 1073741824.0),
    ];

    fn quantity_text() -> impl Strategy<Value = String> + Clone {
        (
            0u32..1_000_000,
            prop::sample::select(SUFFIXES.iter().map(|(s, _)| *s).collect::<Vec<_>>()),
        )
            .prop_map(|(n, suffix)| format!("{n}{suffix}"))
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_finite_amount_or_none(text in mixed(quantity_text())) {
            if let Some(value) = parse(&text) {
                prop_assert!(value.is_finite() && value.abs() <= LARGEST, "{:?} gave {}", text, value);
            }
        }

        #[test]
        fn exponents_at_the_edges_stay_finite(mantissa in 0u32..10, exponent in any::<i32>()) {
            let value = parse(&format!("{mantissa}e{exponent}")).unwrap();
            prop_assert!(value.is_finite() && value >= 0.0);
            if mantissa == 0 {
                prop_assert_eq!(value, 0.0);
            } else if exponent >= -300 {
                prop_assert!(value > 0.0);
            }
        }

        #[test]
        fn plain_amounts_read_as_their_value(n in 0u32..1_000_000, which in 0usize..SUFFIXES.len()) {
            let (suffix, factor) = SUFFIXES[which];
            let value = parse(&format!("{n}{suffix}")).unwrap();
            let expected = f64::from(n) * factor;
            prop_assert!((value - expected).abs() <= expected * 1e-12, "{} vs {}", value, expected);
        }
    }
}
