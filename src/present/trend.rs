//! The cluster's score over time: each namespace's series of scores
//! (`(seconds since the epoch, score)`, oldest first) averaged per time
//! bucket, for the managers' trend chart.

use std::collections::BTreeMap;

/// Bucket widths to choose from, shortest first.
const WIDTHS: [i64; 7] = [300, 900, 3_600, 6 * 3_600, 86_400, 7 * 86_400, 30 * 86_400];
/// At most this many buckets across the chart.
pub const MAX_BUCKETS: i64 = 24;

/// The shortest bucket width that fits `span` seconds into
/// [`MAX_BUCKETS`] buckets.
pub fn bucket_width(span: i64) -> i64 {
    WIDTHS
        .iter()
        .copied()
        .find(|width| span / width < MAX_BUCKETS)
        .unwrap_or(WIDTHS[WIDTHS.len() - 1])
}

/// Per bucket (its start): the mean over namespaces of each one's last
/// score in the bucket, and how many namespaces that is. A namespace with
/// no score in a bucket does not count there.
pub fn average_by_bucket(series: &[Vec<(i64, u32)>], width: i64) -> Vec<(i64, f64, u32)> {
    let width = width.max(1);
    let mut sums: BTreeMap<i64, (f64, u32)> = BTreeMap::new();
    for points in series {
        let mut last: BTreeMap<i64, u32> = BTreeMap::new();
        for &(at, score) in points {
            last.insert(at.div_euclid(width) * width, score);
        }
        for (start, score) in last {
            let entry = sums.entry(start).or_default();
            entry.0 += f64::from(score);
            entry.1 += 1;
        }
    }
    sums.into_iter()
        .map(|(start, (sum, count))| (start, sum / f64::from(count), count))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bucket_width_keeps_the_chart_under_its_bucket_count() {
        assert_eq!(bucket_width(0), 300);
        assert_eq!(bucket_width(3_600), 300);
        assert_eq!(bucket_width(3 * 3_600), 900);
        assert_eq!(bucket_width(3 * 86_400), 6 * 3_600);
        assert_eq!(bucket_width(7 * 86_400), 86_400);
        assert_eq!(bucket_width(10 * 365 * 86_400), 30 * 86_400);
    }

    #[test]
    fn each_namespace_counts_once_per_bucket_with_its_last_score() {
        let a = vec![(0, 50), (100, 60), (400, 70)];
        let b = vec![(200, 90)];
        let buckets = average_by_bucket(&[a, b], 300);
        assert_eq!(buckets, [(0, 75.0, 2), (300, 70.0, 1)]);
    }

    #[test]
    fn empty_series_give_no_buckets() {
        assert!(average_by_bucket(&[], 300).is_empty());
        assert!(average_by_bucket(&[vec![]], 300).is_empty());
    }
}
