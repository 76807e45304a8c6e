//! Address blocks outside the cluster: CIDR parsing (with `ipnet`), ranges,
//! and turning a set of addresses back into the fewest CIDR blocks.
//!
//! A [`Cidr`] is `ipnet`'s [`IpNet`]; it orders by family, then address,
//! then prefix length. Ranges are kept as plain numbers, because what is
//! left of a block once its `except` blocks are taken out is a range, not
//! a block.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use ipnet::{IpNet, Ipv4Subnets, Ipv6Subnets};

/// A CIDR block.
pub type Cidr = IpNet;

/// IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    fn max(self) -> u128 {
        match self {
            Family::V4 => u128::from(u32::MAX),
            Family::V6 => u128::MAX,
        }
    }
}

/// An inclusive range of addresses of one family.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IpRange {
    pub family: Family,
    pub start: u128,
    pub end: u128,
}

impl IpRange {
    /// Every address of the family (`0.0.0.0/0` or `::/0`).
    pub fn universe(family: Family) -> IpRange {
        IpRange {
            family,
            start: 0,
            end: family.max(),
        }
    }

    pub fn contains(&self, other: &IpRange) -> bool {
        self.family == other.family && self.start <= other.start && other.end <= self.end
    }

    pub fn overlaps(&self, other: &IpRange) -> bool {
        self.family == other.family && self.start <= other.end && other.start <= self.end
    }
}

impl From<Cidr> for IpRange {
    /// The addresses of a block, from its network to its broadcast address.
    fn from(cidr: Cidr) -> IpRange {
        match cidr {
            IpNet::V4(net) => IpRange {
                family: Family::V4,
                start: u32::from(net.network()).into(),
                end: u32::from(net.broadcast()).into(),
            },
            IpNet::V6(net) => IpRange {
                family: Family::V6,
                start: net.network().into(),
                end: net.broadcast().into(),
            },
        }
    }
}

/// Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a single-host
/// block). Host bits below the prefix are cleared, as the network would.
pub fn parse_cidr(text: &str) -> Result<Cidr, String> {
    let text = text.trim();
    let net = match text.split_once('/') {
        Some((address, prefix)) => {
            let address: IpAddr = address
                .parse()
                .map_err(|_| format!("`{text}` is not an IP address or CIDR"))?;
            // Digits only: `u8::from_str` would also take `+8`, which the
            // apiserver refuses.
            let prefix: u8 = Some(prefix)
                .filter(|p| (1..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_digit()))
                .and_then(|p| p.parse().ok())
                .ok_or_else(|| format!("`{text}` has an invalid prefix length"))?;
            IpNet::new(address, prefix)
                .map_err(|_| format!("`{text}` has an invalid prefix length"))?
        }
        None => text
            .parse::<IpAddr>()
            .map(IpNet::from)
            .map_err(|_| format!("`{text}` is not an IP address or CIDR"))?,
    };
    Ok(net.trunc())
}

/// The fewest CIDR blocks that cover exactly `range`.
pub fn cidrs_of(range: IpRange) -> Vec<Cidr> {
    match range.family {
        Family::V4 => Ipv4Subnets::new(v4(range.start), v4(range.end), 0)
            .map(IpNet::V4)
            .collect(),
        Family::V6 => Ipv6Subnets::new(Ipv6Addr::from(range.start), Ipv6Addr::from(range.end), 0)
            .map(IpNet::V6)
            .collect(),
    }
}

/// An IPv4 address from the low 32 bits of a range bound.
fn v4(address: u128) -> Ipv4Addr {
    Ipv4Addr::from(address as u32)
}

/// Merges touching or overlapping ranges; input need not be sorted.
pub fn merge(mut ranges: Vec<IpRange>) -> Vec<IpRange> {
    ranges.sort();
    let mut merged: Vec<IpRange> = Vec::with_capacity(ranges.len());
    for range in ranges {
        match merged.last_mut() {
            Some(last)
                if last.family == range.family && range.start <= last.end.saturating_add(1) =>
            {
                last.end = last.end.max(range.end);
            }
            _ => merged.push(range),
        }
    }
    merged
}

/// Splits the given universes at every start and end of `blocks`, so that
/// each resulting range is either wholly inside or wholly outside each block.
pub fn elementary_ranges(universes: &[IpRange], blocks: &[IpRange]) -> Vec<IpRange> {
    let mut out = Vec::new();
    for universe in universes {
        let mut cuts: Vec<u128> = vec![universe.start];
        for block in blocks.iter().filter(|b| b.family == universe.family) {
            cuts.push(block.start);
            if block.end < universe.end {
                cuts.push(block.end + 1);
            }
        }
        cuts.retain(|c| *c >= universe.start && *c <= universe.end);
        cuts.sort_unstable();
        cuts.dedup();
        for (i, &start) in cuts.iter().enumerate() {
            let end = cuts.get(i + 1).map_or(universe.end, |next| next - 1);
            out.push(IpRange {
                family: universe.family,
                start,
                end,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cidr_strings(range: IpRange) -> Vec<String> {
        cidrs_of(range).iter().map(ToString::to_string).collect()
    }

    #[test]
    fn parses_v4_and_v6_and_clears_host_bits() {
        assert_eq!(parse_cidr("10.1.2.3/8").unwrap().to_string(), "10.0.0.0/8");
        assert_eq!(
            parse_cidr("2001:db8::1/32").unwrap().to_string(),
            "2001:db8::/32"
        );
        assert_eq!(
            parse_cidr("192.168.1.1").unwrap().to_string(),
            "192.168.1.1/32"
        );
        assert!(parse_cidr("10.0.0.0/33").is_err());
        assert!(parse_cidr("not-an-ip").is_err());
    }

    #[test]
    fn a_prefix_length_is_digits_only() {
        for text in [
            "10.0.0.0/+8",
            "10.0.0.0/-0",
            "10.0.0.0/",
            "10.0.0.0/ 8",
            "::/+0",
        ] {
            let error = parse_cidr(text).unwrap_err();
            assert!(error.contains("invalid prefix length"), "{text}: {error}");
        }
        assert_eq!(
            parse_cidr("10.0.0.0/008").unwrap().to_string(),
            "10.0.0.0/8"
        );
    }

    #[test]
    fn whole_universe_is_one_block() {
        assert_eq!(cidr_strings(IpRange::universe(Family::V4)), ["0.0.0.0/0"]);
        assert_eq!(cidr_strings(IpRange::universe(Family::V6)), ["::/0"]);
    }

    #[test]
    fn cidr_minus_except_is_the_fewest_covering_blocks() {
        // 10.0.0.0/8 minus 10.0.0.0/9 is 10.128.0.0/9.
        let whole = IpRange::from(parse_cidr("10.0.0.0/8").unwrap());
        let hole = IpRange::from(parse_cidr("10.0.0.0/9").unwrap());
        let rest = IpRange {
            start: hole.end + 1,
            ..whole
        };
        assert_eq!(cidr_strings(rest), ["10.128.0.0/9"]);
        // 0.0.0.0/0 minus 10.0.0.0/8 needs eight blocks.
        let below = IpRange {
            family: Family::V4,
            start: 0,
            end: whole.start - 1,
        };
        let above = IpRange {
            family: Family::V4,
            start: whole.end + 1,
            end: u32::MAX.into(),
        };
        let mut blocks = cidr_strings(below);
        blocks.extend(cidr_strings(above));
        assert_eq!(
            blocks,
            [
                "0.0.0.0/5",
                "8.0.0.0/7",
                "11.0.0.0/8",
                "12.0.0.0/6",
                "16.0.0.0/4",
                "32.0.0.0/3",
                "64.0.0.0/2",
                "128.0.0.0/1"
            ]
        );
    }

    #[test]
    fn elementary_ranges_split_at_block_edges() {
        let block = IpRange::from(parse_cidr("10.0.0.0/8").unwrap());
        let ranges = elementary_ranges(&[IpRange::universe(Family::V4)], &[block]);
        assert_eq!(ranges.len(), 3);
        assert_eq!(ranges[1], block);
        assert_eq!(merge(ranges), vec![IpRange::universe(Family::V4)]);
    }
}

#[cfg(test)]
mod properties {
    use super::*;
    use crate::hostile::{config, mixed};
    use proptest::prelude::*;

    fn any_cidr() -> impl Strategy<Value = Cidr> {
        prop_oneof![
            (any::<u32>(), 0u8..=32)
                .prop_map(|(a, p)| IpNet::new(Ipv4Addr::from(a).into(), p).unwrap()),
            (any::<u128>(), 0u8..=128)
                .prop_map(|(a, p)| IpNet::new(Ipv6Addr::from(a).into(), p).unwrap()),
        ]
    }

    fn cidr_text() -> impl Strategy<Value = String> + Clone {
        (any::<[u8; 4]>(), 0u8..=40).prop_map(|(a, p)| format!("{}/{p}", Ipv4Addr::from(a)))
    }

    fn any_range() -> impl Strategy<Value = IpRange> {
        prop_oneof![
            (any::<u32>(), any::<u32>()).prop_map(|(a, b)| IpRange {
                family: Family::V4,
                start: a.min(b).into(),
                end: a.max(b).into(),
            }),
            (any::<u128>(), any::<u128>()).prop_map(|(a, b)| IpRange {
                family: Family::V6,
                start: a.min(b),
                end: a.max(b),
            }),
        ]
    }

    proptest! {
        #![proptest_config(config())]

        #[test]
        fn any_text_is_a_block_or_an_error_naming_it(text in mixed(cidr_text())) {
            match parse_cidr(&text) {
                Ok(cidr) => {
                    let trimmed = text.trim();
                    if let Some((_, prefix)) = trimmed.split_once('/') {
                        prop_assert!(prefix.bytes().all(|b| b.is_ascii_digit()), "{:?}", text);
                        prop_assert_eq!(prefix.parse::<u8>().ok(), Some(cidr.prefix_len()));
                    }
                    prop_assert_eq!(parse_cidr(&cidr.to_string()), Ok(cidr));
                }
                Err(error) => prop_assert!(
                    error.contains(text.trim())
                        && (error.contains("is not an IP address or CIDR")
                            || error.contains("invalid prefix length")),
                    "{:?}: {}", text, error
                ),
            }
        }

        #[test]
        fn every_block_reads_back_as_written(cidr in any_cidr()) {
            prop_assert_eq!(parse_cidr(&cidr.to_string()), Ok(cidr.trunc()));
        }

        #[test]
        fn the_fewest_blocks_cover_exactly_the_range(range in any_range()) {
            let blocks = cidrs_of(range);
            prop_assert!(!blocks.is_empty());
            let mut next = range.start;
            for block in &blocks {
                let covered = IpRange::from(*block);
                prop_assert_eq!(covered.start, next);
                prop_assert!(covered.end <= range.end);
                next = covered.end.wrapping_add(1);
            }
            prop_assert_eq!(IpRange::from(*blocks.last().unwrap()).end, range.end);
        }
    }
}
