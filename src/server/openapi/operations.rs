//! The API's operations, as the OpenAPI document describes them: each a
//! server function at `POST /api/<endpoint>`, its form fields, and what it
//! answers. Kept beside the document so one table says both; the tests
//! check every entry against the routes the server really serves.

use schemars::{JsonSchema, Schema, SchemaGenerator};

use crate::identity::SignedInUser;
use crate::wire::access::{
    InboxItem, ModelCatalog, ModelDetail, MyAccess, RequestDetail, RequestSummary, RequestedMany,
};
use crate::wire::inbox::BulkOutcome;
use crate::wire::recertification::{RecertificationDetail, RecertificationList};

/// One form field.
pub struct Field {
    pub name: &'static str,
    pub required: bool,
    pub description: &'static str,
}

/// One operation.
pub struct Operation {
    pub endpoint: &'static str,
    pub tag: &'static str,
    pub summary: &'static str,
    /// Whether it changes state (and so counts against the rate limit).
    pub changes: bool,
    pub fields: &'static [Field],
    /// The schema of a successful answer.
    pub answer: fn(&mut SchemaGenerator) -> Schema,
}

const fn required(name: &'static str, description: &'static str) -> Field {
    Field {
        name,
        required: true,
        description,
    }
}

const fn optional(name: &'static str, description: &'static str) -> Field {
    Field {
        name,
        required: false,
        description,
    }
}

fn schema<T: JsonSchema>(generator: &mut SchemaGenerator) -> Schema {
    generator.subschema_for::<T>()
}

const NAMESPACE: Field = required("namespace", "The namespace of the model or request.");
const REQUEST: Field = required(
    "name",
    "The request's name (as `list` or `my-access` gives it).",
);
const COMMENT: Field = optional("comment", "A comment recorded with the action.");

/// The server functions only the portal's own pages use (views of
/// namespaces, compliance, logs, exceptions, calling a model): served, but
/// not part of the documented API, whose shape they may change with the
/// pages. Every server function is here or in [`OPERATIONS`].
pub const PAGES_ONLY: &[&str] = &[
    "access-overview",
    "audit-trail",
    "cancel-exception",
    "compliance-overview",
    "decide-exception",
    "exceptions-awaiting",
    "file-exception",
    "governance-policies",
    "invoke-model",
    "model-call-answer",
    "model-use",
    "model-workloads",
    "namespace-compliance",
    "namespace-exceptions",
    "namespace-network",
    "namespace-reports",
    "namespace_logs",
    "namespaces",
    "network-guardrails",
    "revoke-exception",
];

/// Every operation the document describes.
pub const OPERATIONS: &[Operation] = &[
    Operation {
        endpoint: "whoami",
        tag: "Identity",
        summary: "Who the token or session stands for (a person, or a ServiceAccount).",
        changes: false,
        fields: &[],
        answer: schema::<Option<SignedInUser>>,
    },
    Operation {
        endpoint: "models",
        tag: "Models",
        summary: "The models the caller may see, with the levels they may request.",
        changes: false,
        fields: &[
            optional("search", "Words in the model's name or description."),
            optional("team", "Only this team's models."),
            optional("classification", "Only models of this data classification."),
        ],
        answer: schema::<ModelCatalog>,
    },
    Operation {
        endpoint: "model",
        tag: "Models",
        summary: "One model, with its levels and the caller's access; null when hidden or gone.",
        changes: false,
        fields: &[NAMESPACE, required("name", "The model's name.")],
        answer: schema::<Option<ModelDetail>>,
    },
    Operation {
        endpoint: "request-access",
        tag: "Requests",
        summary: "Requests a level of a model for a time; the model's approvers decide.",
        changes: true,
        fields: &[
            NAMESPACE,
            required("model", "The model's name."),
            optional("level", "The access level (default: the model's first)."),
            required(
                "duration",
                "How long, e.g. `8h`, or `custom` with `custom_duration`.",
            ),
            optional(
                "custom_duration",
                "The duration when `duration` is `custom`.",
            ),
            optional(
                "justification",
                "Why; the model's rules may require a pattern.",
            ),
            optional(
                "starts_at",
                "A later start: UTC `2026-12-08 09:00` or RFC 3339.",
            ),
        ],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "request-many",
        tag: "Requests",
        summary: "Requests a level of several models at once: one request per model, each decided by its own approvers.",
        changes: true,
        fields: &[
            required(
                "models",
                "The models, as `models[0]=namespace/name&models[1]=…` (at most 20).",
            ),
            required("level", "The access level, one each model offers."),
            required(
                "duration",
                "How long, e.g. `8h`; at most each model's maximum.",
            ),
            optional("justification", "Why; each model's rules apply."),
            optional(
                "starts_at",
                "A later start: UTC `2026-12-08 09:00` or RFC 3339.",
            ),
        ],
        answer: schema::<RequestedMany>,
    },
    Operation {
        endpoint: "activate-emergency",
        tag: "Requests",
        summary: "Emergency access where the model allows it: in force at once, reviewed afterwards.",
        changes: true,
        fields: &[
            NAMESPACE,
            required("model", "The model's name."),
            optional("level", "The access level (default: the model's first)."),
            required("duration", "How long, at most the model's emergency cap."),
            optional("justification", "Why (required)."),
        ],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "my-access",
        tag: "Requests",
        summary: "The caller's own requests: pending, in force, and ended.",
        changes: false,
        fields: &[],
        answer: schema::<MyAccess>,
    },
    Operation {
        endpoint: "request-detail",
        tag: "Requests",
        summary: "One request with its history; null when the caller may not see it.",
        changes: false,
        fields: &[NAMESPACE, REQUEST],
        answer: schema::<Option<RequestDetail>>,
    },
    Operation {
        endpoint: "cancel",
        tag: "Requests",
        summary: "Cancels the caller's own pending request.",
        changes: true,
        fields: &[NAMESPACE, REQUEST, COMMENT],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "relinquish",
        tag: "Requests",
        summary: "Gives up the caller's own grant before it ends.",
        changes: true,
        fields: &[NAMESPACE, REQUEST, COMMENT],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "extend",
        tag: "Requests",
        summary: "Asks to extend the caller's grant in force; approved, it continues without a gap.",
        changes: true,
        fields: &[
            NAMESPACE,
            REQUEST,
            required("duration", "How much longer, e.g. `2h`."),
            optional("justification", "Why."),
        ],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "inbox",
        tag: "Reviews",
        summary: "The pending requests the caller may decide.",
        changes: false,
        fields: &[
            optional("model", "Only requests for this model."),
            optional("namespace", "Only requests in this namespace."),
            optional("requester", "Only this person's requests."),
            optional("sort", "`oldest` (default), `newest` or `expiring`."),
        ],
        answer: schema::<Vec<InboxItem>>,
    },
    Operation {
        endpoint: "review",
        tag: "Reviews",
        summary: "Approves or denies a request (self-approval and approver counts apply).",
        changes: true,
        fields: &[
            NAMESPACE,
            REQUEST,
            required("decision", "`approve` or `deny`."),
            COMMENT,
        ],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "review-many",
        tag: "Reviews",
        summary: "Decides up to 50 requests at once, each recorded on its own.",
        changes: true,
        fields: &[
            required(
                "selected",
                "The requests, as `selected[0]=namespace/name&selected[1]=…`.",
            ),
            required("decision", "`approve` or `deny`."),
            COMMENT,
        ],
        answer: schema::<BulkOutcome>,
    },
    Operation {
        endpoint: "revoke",
        tag: "Reviews",
        summary: "Revokes a grant in force (the model's approvers).",
        changes: true,
        fields: &[NAMESPACE, REQUEST, COMMENT],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "emergency-uses",
        tag: "Reviews",
        summary: "Emergency uses waiting for the caller's review.",
        changes: false,
        fields: &[],
        answer: schema::<Vec<RequestSummary>>,
    },
    Operation {
        endpoint: "review-emergency",
        tag: "Reviews",
        summary: "Reviews an emergency use: `justified`, or `unjustified` (ends the grant).",
        changes: true,
        fields: &[
            NAMESPACE,
            REQUEST,
            required("verdict", "`justified` or `unjustified`."),
            optional("comment", "Why; required for `unjustified`."),
        ],
        answer: schema::<RequestSummary>,
    },
    Operation {
        endpoint: "recertifications",
        tag: "Recertification",
        summary: "The access reviews the caller may see.",
        changes: false,
        fields: &[],
        answer: schema::<RecertificationList>,
    },
    Operation {
        endpoint: "recertification",
        tag: "Recertification",
        summary: "One access review with its items.",
        changes: false,
        fields: &[required("name", "The review's name.")],
        answer: schema::<RecertificationDetail>,
    },
    Operation {
        endpoint: "start-recertification",
        tag: "Recertification",
        summary: "Starts an access review of a scope (managers with `create recertifications`).",
        changes: true,
        fields: &[
            optional("namespace", "Only this namespace."),
            optional("model", "Only this model."),
            optional("environment", "Only namespaces of this environment."),
            required(
                "deadline",
                "When answers are due: UTC `2027-01-15 17:00` or RFC 3339.",
            ),
            optional(
                "on_deadline",
                "`report` (default) or `revoke` what is unanswered.",
            ),
            optional("every", "Recur every N days, e.g. `90d`."),
            optional("description", "What the review is for."),
        ],
        answer: schema::<String>,
    },
    Operation {
        endpoint: "answer-recertification-item",
        tag: "Recertification",
        summary: "Certifies or revokes one item of an access review.",
        changes: true,
        fields: &[
            required("name", "The review's name."),
            required("item", "The item's id."),
            required("verdict", "`certify` or `revoke`."),
            optional("comment", "Why; required to revoke."),
        ],
        answer: schema::<()>,
    },
];
