//! Flags of `aigov serve` for the compliance reports.

use std::time::Duration;

use super::ReportSettings;

/// How often reports are published and how the trend is kept.
#[derive(clap::Args, Clone, Debug)]
pub struct ReportArgs {
    /// Time between compliance report passes (on the leader replica), e.g.
    /// `5m`; `0` disables the reports.
    #[arg(long, env = "AIGOV_REPORT_INTERVAL", default_value = "5m", value_parser = parse_interval, value_name = "DURATION")]
    pub report_interval: Duration,

    /// A new point of a namespace's score trend only when the last one is
    /// at least this old; within a step the last point takes the new score.
    #[arg(long, env = "AIGOV_TREND_STEP", default_value = "1h", value_parser = parse_step, value_name = "DURATION")]
    pub trend_step: Duration,
}

impl ReportArgs {
    /// The reporter's settings: every namespace, the default rules.
    pub fn settings(&self) -> ReportSettings {
        ReportSettings {
            interval: self.report_interval,
            trend_step: self.trend_step,
            ..ReportSettings::default()
        }
    }
}

fn parse_interval(text: &str) -> Result<Duration, String> {
    if text.trim() == "0" {
        return Ok(Duration::ZERO);
    }
    parse_step(text)
}

fn parse_step(text: &str) -> Result<Duration, String> {
    crate::crd::duration::parse(text).map_err(|error| error.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zero_disables_and_other_durations_read_as_written() {
        assert_eq!(parse_interval("0"), Ok(Duration::ZERO));
        assert_eq!(parse_interval("5m"), Ok(Duration::from_secs(300)));
        assert!(
            parse_interval("often")
                .unwrap_err()
                .contains("not a duration")
        );
        assert!(parse_step("0").is_err(), "a trend step of zero is refused");
    }
}
