//! The engine's reason for one side of "can A reach B", as a sentence.

/// The engine's reason as a sentence: "allowed because …" / "denied
/// because …".
pub(super) fn because(reason: &str) -> String {
    // "passed on by RULE: Pass; " before the reason: a guardrail that handed
    // the decision on, said after it.
    let mut reason = reason;
    let mut passes = Vec::new();
    while let Some(rest) = reason.strip_prefix("passed on by ") {
        let Some((rule, after)) = rest.split_once("; ") else {
            break;
        };
        passes.push(rule);
        reason = after;
    }
    let sentence = because_sentence(reason);
    if passes.is_empty() {
        sentence
    } else {
        format!("{sentence} Passed on first by {}.", passes.join(", then "))
    }
}

fn because_sentence(reason: &str) -> String {
    if let Some(rest) = reason.strip_prefix("allowed: ") {
        format!("allowed because {rest}.")
    } else if let Some(rest) = reason.strip_prefix("denied: ") {
        format!("denied because {rest}.")
    } else if let Some(rest) = reason.strip_prefix("allowed by ") {
        format!("allowed because of {rest}.")
    } else {
        reason.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::because;

    #[test]
    fn a_pass_before_the_reason_is_said_after_it() {
        assert_eq!(
            because(
                "passed on by egress rule #1 (in-cluster) of AdminNetworkPolicy/m (priority 10): Pass; denied: x is isolated"
            ),
            "denied because x is isolated. Passed on first by egress rule #1 (in-cluster) of AdminNetworkPolicy/m (priority 10): Pass."
        );
    }

    #[test]
    fn engine_reasons_read_as_because_sentences() {
        assert_eq!(
            because("allowed by ingress rule #1 of policy ns/p"),
            "allowed because of ingress rule #1 of policy ns/p."
        );
        assert_eq!(
            because(
                "denied: ns/a[Deployment] is isolated for egress by ns/deny and no rule of it allows TCP/80 to ns/b[Deployment]"
            ),
            "denied because ns/a[Deployment] is isolated for egress by ns/deny and no rule of it allows TCP/80 to ns/b[Deployment]."
        );
    }
}
