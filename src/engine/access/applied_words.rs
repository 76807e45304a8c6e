//! The applied rules in words: which policies made them stricter, a
//! sentence for the request form, and each rule with who set it.

use super::{AppliedRules, Human, RuleSource};

impl AppliedRules {
    /// The policies that made any rule stricter than the model's, by name.
    pub fn policies(&self) -> Vec<String> {
        let mut names: Vec<String> = [
            &self.min_approvals.source,
            &self.max_duration.source,
            &self.justification_required.source,
            &self.allow_self_approval.source,
            &self.break_glass.source,
            &self.approver_comment_required.source,
            &self.justification_pattern.source,
        ]
        .into_iter()
        .chain(self.added_stages.iter().map(|stage| &stage.source))
        .filter_map(|source| match source {
            RuleSource::Policy { policy, .. } => Some(policy.clone()),
            RuleSource::Model(_) => None,
        })
        .collect();
        names.sort();
        names.dedup();
        names
    }

    /// The rules in a sentence, e.g. "Production namespace: 2 approvals, at
    /// most 8h, justification required, no self-approval — governance
    /// policy ai-production".
    pub fn in_words(&self) -> String {
        let approvals = match self.min_approvals.value {
            1 => "1 approval".to_owned(),
            n => format!("{n} approvals"),
        };
        let added: Vec<&str> = self
            .added_stages
            .iter()
            .map(|stage| stage.value.name.as_str())
            .collect();
        let approvals = if added.is_empty() {
            approvals
        } else {
            format!(
                "{approvals} (the {} stage after the model's)",
                added.join(", then ")
            )
        };
        let parts = [
            approvals,
            format!("at most {}", Human(self.max_duration.value)),
            if self.justification_required.value {
                "justification required".to_owned()
            } else {
                "justification optional".to_owned()
            },
            if self.allow_self_approval.value {
                "self-approval allowed".to_owned()
            } else {
                "no self-approval".to_owned()
            },
        ];
        let mut sentence = match self.environment {
            Some(environment) => {
                let env = environment.as_str();
                let mut first = env[..1].to_uppercase();
                first.push_str(&env[1..]);
                format!("{first} namespace: ")
            }
            None => String::new(),
        };
        sentence.push_str(&parts.join(", "));
        let policies = self.policies();
        match policies.as_slice() {
            [] => sentence.push_str(" — the model's own rules"),
            [one] => sentence.push_str(&format!(" — governance policy {one}")),
            many => sentence.push_str(&format!(" — governance policies {}", many.join(", "))),
        }
        sentence
    }

    /// Each rule with who set it, one line each, for the pages.
    pub fn sources_in_words(&self) -> Vec<String> {
        let mut lines = vec![
            format!(
                "{} (set by {})",
                match self.min_approvals.value {
                    1 => "1 approval".to_owned(),
                    n => format!("{n} approvals"),
                },
                self.min_approvals.source.words()
            ),
            format!(
                "at most {} (set by {})",
                Human(self.max_duration.value),
                self.max_duration.source.words()
            ),
            format!(
                "justification {} (set by {})",
                if self.justification_required.value {
                    "required"
                } else {
                    "optional"
                },
                self.justification_required.source.words()
            ),
            format!(
                "self-approval {} (set by {})",
                if self.allow_self_approval.value {
                    "allowed"
                } else {
                    "not allowed"
                },
                self.allow_self_approval.source.words()
            ),
        ];
        // Only where the model offers emergency access: a model without it
        // has nothing a policy could forbid.
        if self.approver_comment_required.value {
            lines.push(format!(
                "approvers say why they decide (set by {})",
                self.approver_comment_required.source.words()
            ));
        }
        if let (Some(form), true) = (
            &self.justification_pattern.value,
            self.justification_pattern.source.is_policy(),
        ) {
            lines.push(format!(
                "a justification in a set form: {} (set by {})",
                form.hint.as_deref().unwrap_or(&form.pattern),
                self.justification_pattern.source.words()
            ));
        }
        if self.break_glass.value || self.break_glass.source.is_policy() {
            lines.push(format!(
                "emergency access {} (set by {})",
                if self.break_glass.value {
                    "allowed"
                } else {
                    "forbidden"
                },
                self.break_glass.source.words()
            ));
        }
        lines
    }
}
