//! Sets of (protocol, port) as NetworkPolicy rules allow them.

use serde::Serialize;
use serde::ser::{SerializeMap, SerializeSeq, Serializer};

/// The protocols NetworkPolicy knows; `TCP` when a rule names none.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    pub const ALL: [Protocol; 3] = [Protocol::Tcp, Protocol::Udp, Protocol::Sctp];

    /// Parses a protocol name as written in manifests (case-insensitive).
    pub fn parse(name: &str) -> Option<Protocol> {
        match name.to_ascii_uppercase().as_str() {
            "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

pub const MIN_PORT: u16 = 1;
pub const MAX_PORT: u16 = 65535;

/// A set of ports per protocol, kept as sorted, disjoint, non-adjacent
/// inclusive ranges so that equal sets compare equal.
#[derive(Clone, Debug, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PortSet {
    ranges: [Vec<(u16, u16)>; 3],
}

impl PortSet {
    pub fn empty() -> PortSet {
        PortSet::default()
    }

    /// Every port of every protocol.
    pub fn all() -> PortSet {
        let mut set = PortSet::empty();
        for protocol in Protocol::ALL {
            set.add_range(protocol, MIN_PORT, MAX_PORT);
        }
        set
    }

    /// Every port of one protocol.
    pub fn all_of(protocol: Protocol) -> PortSet {
        PortSet::range(protocol, MIN_PORT, MAX_PORT)
    }

    pub fn range(protocol: Protocol, from: u16, to: u16) -> PortSet {
        let mut set = PortSet::empty();
        set.add_range(protocol, from, to);
        set
    }

    pub fn single(protocol: Protocol, port: u16) -> PortSet {
        PortSet::range(protocol, port, port)
    }

    pub fn is_empty(&self) -> bool {
        self.ranges.iter().all(Vec::is_empty)
    }

    pub fn is_all(&self) -> bool {
        self.ranges
            .iter()
            .all(|r| r.as_slice() == [(MIN_PORT, MAX_PORT)])
    }

    pub fn contains(&self, protocol: Protocol, port: u16) -> bool {
        self.ranges[protocol.index()]
            .iter()
            .any(|&(lo, hi)| lo <= port && port <= hi)
    }

    /// Adds the ports `from..=to`; an empty or reversed range adds nothing.
    pub fn add_range(&mut self, protocol: Protocol, from: u16, to: u16) {
        let from = from.max(MIN_PORT);
        if from > to {
            return;
        }
        let ranges = &mut self.ranges[protocol.index()];
        ranges.push((from, to));
        normalise(ranges);
    }

    pub fn union_with(&mut self, other: &PortSet) {
        for (mine, theirs) in self.ranges.iter_mut().zip(&other.ranges) {
            if theirs.is_empty() {
                continue;
            }
            mine.extend_from_slice(theirs);
            normalise(mine);
        }
    }

    pub fn intersection(&self, other: &PortSet) -> PortSet {
        let mut out = PortSet::empty();
        for (i, (a, b)) in self.ranges.iter().zip(&other.ranges).enumerate() {
            let (mut x, mut y) = (0, 0);
            while x < a.len() && y < b.len() {
                let lo = a[x].0.max(b[y].0);
                let hi = a[x].1.min(b[y].1);
                if lo <= hi {
                    out.ranges[i].push((lo, hi));
                }
                if a[x].1 < b[y].1 { x += 1 } else { y += 1 }
            }
        }
        out
    }

    /// The ports of `self` that are not in `other`.
    pub fn difference(&self, other: &PortSet) -> PortSet {
        let mut out = PortSet::empty();
        for (i, (mine, theirs)) in self.ranges.iter().zip(&other.ranges).enumerate() {
            for &(lo, hi) in mine {
                let mut start = u32::from(lo);
                for &(tlo, thi) in theirs.iter().filter(|&&(a, b)| a <= hi && lo <= b) {
                    if u32::from(tlo) > start {
                        out.ranges[i].push((start as u16, tlo - 1));
                    }
                    start = u32::from(thi) + 1;
                }
                if start <= u32::from(hi) {
                    out.ranges[i].push((start as u16, hi));
                }
            }
        }
        out
    }

    /// Each range with its protocol, in protocol then port order.
    pub fn iter(&self) -> impl Iterator<Item = (Protocol, u16, u16)> + '_ {
        Protocol::ALL.into_iter().flat_map(move |p| {
            self.ranges[p.index()]
                .iter()
                .map(move |&(lo, hi)| (p, lo, hi))
        })
    }
}

fn normalise(ranges: &mut Vec<(u16, u16)>) {
    ranges.sort_unstable();
    let mut merged: Vec<(u16, u16)> = Vec::with_capacity(ranges.len());
    for &(lo, hi) in ranges.iter() {
        match merged.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => merged.push((lo, hi)),
        }
    }
    *ranges = merged;
}

impl std::fmt::Display for PortSet {
    /// `All Connections`, or e.g. `TCP 80,TCP 8000-8080,UDP 53`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.is_all() {
            return f.write_str("All Connections");
        }
        let parts: Vec<String> = self
            .iter()
            .map(|(p, lo, hi)| match (lo, hi) {
                (MIN_PORT, MAX_PORT) => format!("{} 1-65535", p.as_str()),
                _ if lo == hi => format!("{} {lo}", p.as_str()),
                _ => format!("{} {lo}-{hi}", p.as_str()),
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

/// Serialises as `"all"` or as `[{"protocol", "port", "endPort"?}]`.
impl Serialize for PortSet {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.is_all() {
            return serializer.serialize_str("all");
        }
        struct Range(Protocol, u16, u16);
        impl Serialize for Range {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let ranged = self.1 != self.2;
                let mut map = serializer.serialize_map(Some(2 + usize::from(ranged)))?;
                map.serialize_entry("protocol", self.0.as_str())?;
                map.serialize_entry("port", &self.1)?;
                if ranged {
                    map.serialize_entry("endPort", &self.2)?;
                }
                map.end()
            }
        }
        let ranges: Vec<Range> = self.iter().map(|(p, lo, hi)| Range(p, lo, hi)).collect();
        let mut seq = serializer.serialize_seq(Some(ranges.len()))?;
        for range in &ranges {
            seq.serialize_element(range)?;
        }
        seq.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacent_and_overlapping_ranges_merge() {
        let mut set = PortSet::range(Protocol::Tcp, 80, 90);
        set.add_range(Protocol::Tcp, 91, 100);
        set.add_range(Protocol::Tcp, 85, 95);
        assert_eq!(set, PortSet::range(Protocol::Tcp, 80, 100));
    }

    #[test]
    fn intersection_keeps_only_common_ports_per_protocol() {
        let mut a = PortSet::range(Protocol::Tcp, 1, 100);
        a.add_range(Protocol::Udp, 53, 53);
        let b = PortSet::range(Protocol::Tcp, 50, 200);
        assert_eq!(a.intersection(&b), PortSet::range(Protocol::Tcp, 50, 100));
        assert!(
            PortSet::single(Protocol::Udp, 53)
                .intersection(&PortSet::single(Protocol::Tcp, 53))
                .is_empty()
        );
    }

    #[test]
    fn difference_takes_out_ranges_within_and_across_protocols() {
        let mut a = PortSet::range(Protocol::Tcp, 1, 100);
        a.add_range(Protocol::Udp, 53, 53);
        let mut b = PortSet::range(Protocol::Tcp, 10, 20);
        b.add_range(Protocol::Tcp, 90, 200);
        b.add_range(Protocol::Udp, 53, 53);
        let mut expected = PortSet::range(Protocol::Tcp, 1, 9);
        expected.add_range(Protocol::Tcp, 21, 89);
        assert_eq!(a.difference(&b), expected);
        assert!(PortSet::all().difference(&PortSet::all()).is_empty());
        assert_eq!(
            PortSet::all_of(Protocol::Tcp).difference(&PortSet::single(Protocol::Tcp, 1)),
            PortSet::range(Protocol::Tcp, 2, 65535)
        );
    }

    #[test]
    fn all_is_every_port_of_tcp_udp_and_sctp() {
        let mut set = PortSet::empty();
        set.union_with(&PortSet::all_of(Protocol::Tcp));
        set.union_with(&PortSet::all_of(Protocol::Udp));
        assert!(!set.is_all());
        set.union_with(&PortSet::all_of(Protocol::Sctp));
        assert!(set.is_all());
    }

    #[test]
    fn serialises_all_as_string_and_ranges_with_end_port() {
        assert_eq!(serde_json::to_string(&PortSet::all()).unwrap(), "\"all\"");
        let mut set = PortSet::single(Protocol::Tcp, 8080);
        set.add_range(Protocol::Udp, 5000, 5010);
        assert_eq!(
            serde_json::to_value(&set).unwrap(),
            serde_json::json!([{"protocol": "TCP", "port": 8080},
                {"protocol": "UDP", "port": 5000, "endPort": 5010}])
        );
    }

    #[test]
    fn displays_ports_for_text_output() {
        let mut set = PortSet::single(Protocol::Tcp, 80);
        set.add_range(Protocol::Tcp, 8000, 8080);
        assert_eq!(set.to_string(), "TCP 80,TCP 8000-8080");
        assert_eq!(PortSet::all().to_string(), "All Connections");
    }
}
