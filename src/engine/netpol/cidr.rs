//! Address blocks outside the cluster: CIDR parsing, ranges, and turning a
//! set of addresses back into the fewest CIDR blocks.

use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// IPv4 or IPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Family {
    V4,
    V6,
}

impl Family {
    fn bits(self) -> u32 {
        match self {
            Family::V4 => 32,
            Family::V6 => 128,
        }
    }

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

/// A CIDR block, ordered by family, then address, then prefix length.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Cidr {
    pub family: Family,
    pub address: u128,
    pub prefix: u32,
}

impl Cidr {
    pub fn range(&self) -> IpRange {
        let host_bits = self.family.bits() - self.prefix;
        let size_minus_one = if host_bits == 128 {
            u128::MAX
        } else {
            (1u128 << host_bits) - 1
        };
        IpRange {
            family: self.family,
            start: self.address,
            end: self.address + size_minus_one,
        }
    }
}

impl std::fmt::Display for Cidr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let address: IpAddr = match self.family {
            Family::V4 => Ipv4Addr::from(self.address as u32).into(),
            Family::V6 => Ipv6Addr::from(self.address).into(),
        };
        write!(f, "{address}/{}", self.prefix)
    }
}

/// Parses `10.0.0.0/8`, `2001:db8::/32`, or a bare address (a single-host
/// block). Host bits below the prefix are cleared, as the network would.
pub fn parse_cidr(text: &str) -> Result<Cidr, String> {
    let text = text.trim();
    let (address, prefix) = match text.split_once('/') {
        Some((a, p)) => (a, Some(p)),
        None => (text, None),
    };
    let address: IpAddr = address
        .parse()
        .map_err(|_| format!("`{text}` is not an IP address or CIDR"))?;
    let (family, value) = match address {
        IpAddr::V4(a) => (Family::V4, u128::from(u32::from(a))),
        IpAddr::V6(a) => (Family::V6, u128::from(a)),
    };
    let prefix = match prefix {
        Some(p) => p.parse::<u32>().ok().filter(|p| *p <= family.bits()),
        None => Some(family.bits()),
    }
    .ok_or_else(|| format!("`{text}` has an invalid prefix length"))?;
    let host_bits = family.bits() - prefix;
    let mask = if host_bits == 128 {
        0
    } else {
        family.max() & !((1u128 << host_bits) - 1)
    };
    Ok(Cidr {
        family,
        address: value & mask,
        prefix,
    })
}

/// The fewest CIDR blocks that cover exactly `range`.
pub fn cidrs_of(range: IpRange) -> Vec<Cidr> {
    let bits = range.family.bits();
    let mut out = Vec::new();
    let mut start = range.start;
    loop {
        // The largest aligned block that starts at `start` and fits.
        let mut host_bits = if start == 0 {
            bits
        } else {
            start.trailing_zeros().min(bits)
        };
        while host_bits > 0 && block_end(start, host_bits) > range.end {
            host_bits -= 1;
        }
        out.push(Cidr {
            family: range.family,
            address: start,
            prefix: bits - host_bits,
        });
        let end = block_end(start, host_bits);
        if end >= range.end {
            return out;
        }
        start = end + 1;
    }
}

fn block_end(start: u128, host_bits: u32) -> u128 {
    if host_bits == 128 {
        u128::MAX
    } else {
        start + ((1u128 << host_bits) - 1)
    }
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
    fn whole_universe_is_one_block() {
        assert_eq!(cidr_strings(IpRange::universe(Family::V4)), ["0.0.0.0/0"]);
        assert_eq!(cidr_strings(IpRange::universe(Family::V6)), ["::/0"]);
    }

    #[test]
    fn cidr_minus_except_is_the_fewest_covering_blocks() {
        // 10.0.0.0/8 minus 10.0.0.0/9 is 10.128.0.0/9.
        let whole = parse_cidr("10.0.0.0/8").unwrap().range();
        let hole = parse_cidr("10.0.0.0/9").unwrap().range();
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
        let block = parse_cidr("10.0.0.0/8").unwrap().range();
        let ranges = elementary_ranges(&[IpRange::universe(Family::V4)], &[block]);
        assert_eq!(ranges.len(), 3);
        assert_eq!(ranges[1], block);
        assert_eq!(merge(ranges), vec![IpRange::universe(Family::V4)]);
    }
}
