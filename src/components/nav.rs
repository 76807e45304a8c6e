//! The portal's sections: one list feeds the navigation and the overview.

/// A top-level section of the portal.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Section {
    pub path: &'static str,
    pub label: &'static str,
    /// One sentence on what a person does there.
    pub summary: &'static str,
    pub group: SectionGroup,
    /// Only managers may use it (the server refuses everyone else).
    pub for_managers: bool,
}

/// Who a section is mainly for, to group the navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SectionGroup {
    Access,
    Cluster,
    Governance,
}

impl SectionGroup {
    pub fn heading(self) -> &'static str {
        match self {
            SectionGroup::Access => "Access",
            SectionGroup::Cluster => "Cluster",
            SectionGroup::Governance => "Governance",
        }
    }
}

/// Every section, in navigation order.
pub const SECTIONS: &[Section] = &[
    Section {
        path: "/models",
        label: "Models",
        summary: "Browse the governed models and request access at the level you need.",
        group: SectionGroup::Access,
        for_managers: false,
    },
    Section {
        path: "/access",
        label: "My access",
        summary: "Follow your requests and see your active grants and the time they have left.",
        group: SectionGroup::Access,
        for_managers: false,
    },
    Section {
        path: "/reviews",
        label: "Reviews",
        summary: "Approve or deny the requests you are an approver for.",
        group: SectionGroup::Access,
        for_managers: false,
    },
    Section {
        path: "/recertifications",
        label: "Recertifications",
        summary: "Certify or revoke standing access by a review's deadline; managers start the reviews.",
        group: SectionGroup::Access,
        for_managers: false,
    },
    Section {
        path: "/namespaces",
        label: "Namespaces",
        summary: "Network policies, resource compliance and logs of the namespaces you may see.",
        group: SectionGroup::Cluster,
        for_managers: false,
    },
    Section {
        path: "/policies",
        label: "Policies",
        summary: "The governance policies: what each environment refuses, warns on or reports, the exceptions, and what was refused.",
        group: SectionGroup::Cluster,
        for_managers: false,
    },
    Section {
        path: "/compliance",
        label: "Compliance",
        summary: "Compliance across every namespace, for managers and auditors.",
        group: SectionGroup::Governance,
        for_managers: true,
    },
    Section {
        path: "/grants",
        label: "Access overview",
        summary: "Who has access to which model, what expires soon, and how quickly requests are decided.",
        group: SectionGroup::Governance,
        for_managers: true,
    },
    Section {
        path: "/network-guardrails",
        label: "Network guardrails",
        summary: "The cluster-wide network rules set for every namespace, in the order they apply, and the namespaces each covers.",
        group: SectionGroup::Governance,
        for_managers: true,
    },
    Section {
        path: "/audit",
        label: "Audit trail",
        summary: "Every access decision, who made it and when; export it.",
        group: SectionGroup::Governance,
        for_managers: true,
    },
];

/// The groups in navigation order.
pub const GROUPS: [SectionGroup; 3] = [
    SectionGroup::Access,
    SectionGroup::Cluster,
    SectionGroup::Governance,
];

/// The sections a person may use: managers see all of them.
pub fn sections_for(is_manager: bool) -> impl Iterator<Item = &'static Section> {
    SECTIONS
        .iter()
        .filter(move |section| is_manager || !section.for_managers)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_section_belongs_to_a_listed_group() {
        for section in SECTIONS {
            assert!(GROUPS.contains(&section.group), "{}", section.path);
        }
    }

    #[test]
    fn only_managers_get_the_governance_sections() {
        let everyone: Vec<_> = sections_for(false).map(|section| section.path).collect();
        assert!(!everyone.contains(&"/compliance") && !everyone.contains(&"/audit"));
        assert!(!everyone.contains(&"/grants"));
        assert!(!everyone.contains(&"/network-guardrails"));
        assert!(everyone.contains(&"/models"));
        assert_eq!(sections_for(true).count(), SECTIONS.len());
    }

    #[test]
    fn section_paths_are_unique_and_absolute() {
        for (index, section) in SECTIONS.iter().enumerate() {
            assert!(section.path.starts_with('/'), "{}", section.path);
            assert!(
                SECTIONS[index + 1..]
                    .iter()
                    .all(|other| other.path != section.path),
                "duplicate {}",
                section.path
            );
        }
    }
}
