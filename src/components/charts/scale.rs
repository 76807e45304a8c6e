//! Linear scales: a value range onto a pixel range.

/// Maps `domain` linearly onto `range` (either may be reversed).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LinearScale {
    pub domain: (f64, f64),
    pub range: (f64, f64),
}

impl LinearScale {
    pub fn new(domain: (f64, f64), range: (f64, f64)) -> Self {
        Self { domain, range }
    }

    /// The position of `value`; a zero-width domain maps to the middle of
    /// the range (one point, or every value equal).
    pub fn map(&self, value: f64) -> f64 {
        let (d0, d1) = self.domain;
        let (r0, r1) = self.range;
        if (d1 - d0).abs() < f64::EPSILON {
            return (r0 + r1) / 2.0;
        }
        r0 + (value - d0) / (d1 - d0) * (r1 - r0)
    }

    /// `count + 1` evenly spaced values across the domain, ends included.
    pub fn ticks(&self, count: usize) -> Vec<f64> {
        let count = count.max(1);
        let (d0, d1) = self.domain;
        (0..=count)
            .map(|i| d0 + (d1 - d0) * i as f64 / count as f64)
            .collect()
    }
}

/// A number rounded to one decimal, for SVG attributes.
pub fn px(value: f64) -> String {
    let rounded = (value * 10.0).round() / 10.0;
    if rounded.fract() == 0.0 {
        format!("{}", rounded as i64)
    } else {
        format!("{rounded:.1}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_map_linearly_and_a_reversed_range_flips() {
        let scale = LinearScale::new((0.0, 100.0), (0.0, 300.0));
        assert_eq!(scale.map(0.0), 0.0);
        assert_eq!(scale.map(50.0), 150.0);
        assert_eq!(scale.map(100.0), 300.0);
        let y = LinearScale::new((0.0, 100.0), (200.0, 0.0));
        assert_eq!(y.map(25.0), 150.0);
    }

    #[test]
    fn a_zero_width_domain_maps_to_the_middle() {
        let scale = LinearScale::new((5.0, 5.0), (0.0, 400.0));
        assert_eq!(scale.map(5.0), 200.0);
    }

    #[test]
    fn ticks_span_the_domain_evenly() {
        let scale = LinearScale::new((0.0, 100.0), (0.0, 1.0));
        assert_eq!(scale.ticks(4), [0.0, 25.0, 50.0, 75.0, 100.0]);
        assert_eq!(scale.ticks(0), [0.0, 100.0]);
    }

    #[test]
    fn pixels_are_written_short() {
        assert_eq!(px(12.0), "12");
        assert_eq!(px(12.345), "12.3");
        assert_eq!(px(-0.04), "0");
    }
}
