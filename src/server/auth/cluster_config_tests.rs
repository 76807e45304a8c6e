use serde_json::json;

use super::*;

fn mapping(username_claim: &str) -> ClaimMapping {
    ClaimMapping {
        username_claim: username_claim.into(),
        groups_claim: "groups".into(),
        kube_username_prefix: "oidc:".into(),
        kube_groups_prefix: "oidc:".into(),
        manager_groups: vec!["governance".into()],
    }
}

fn issuer(url: &str, username_claim: &str) -> JwtIssuer {
    JwtIssuer {
        issuer: url.parse().unwrap(),
        certificate_authority: Some(
            "-----BEGIN CERTIFICATE-----\nX\n-----END CERTIFICATE-----\n".into(),
        ),
        audiences: vec!["aigov-cli".into()],
        mapping: mapping(username_claim),
    }
}

#[test]
fn the_entry_maps_the_portals_claims_and_prefixes() {
    let entry = jwt_entry(&issuer("https://idp.example.com", "preferred_username")).unwrap();
    assert_eq!(entry["issuer"]["url"], "https://idp.example.com");
    assert_eq!(entry["issuer"]["audiences"], json!(["aigov-cli"]));
    assert!(entry["issuer"].get("audienceMatchPolicy").is_none());
    assert!(
        entry["issuer"]["certificateAuthority"]
            .as_str()
            .unwrap()
            .contains("BEGIN")
    );
    assert_eq!(
        entry["claimMappings"],
        json!({
            "username": {"claim": "preferred_username", "prefix": "oidc:"},
            "groups": {"claim": "groups", "prefix": "oidc:"},
        })
    );
    assert!(entry.get("claimValidationRules").is_none());
    assert_eq!(
        entry["userValidationRules"][0]["expression"],
        "!user.username.startsWith('system:')"
    );
}

#[test]
fn an_email_username_must_be_verified() {
    let entry = jwt_entry(&issuer("https://idp.example.com", "email")).unwrap();
    assert_eq!(
        entry["claimValidationRules"][0]["expression"],
        "claims.?email_verified.orValue(false) == true"
    );
}

#[test]
fn a_path_keeps_its_form_and_several_audiences_match_any() {
    let mut keycloak = issuer("https://kc.example.com/realms/aigov", "preferred_username");
    keycloak.audiences = vec!["kubectl".into(), "aigov-cli".into(), "kubectl".into()];
    let entry = jwt_entry(&keycloak).unwrap();
    assert_eq!(
        entry["issuer"]["url"],
        "https://kc.example.com/realms/aigov"
    );
    assert_eq!(
        entry["issuer"]["audiences"],
        json!(["aigov-cli", "kubectl"])
    );
    assert_eq!(entry["issuer"]["audienceMatchPolicy"], "MatchAny");
}

#[test]
fn plain_http_and_no_audience_are_refused() {
    assert!(matches!(
        jwt_entry(&issuer("http://idp.example.com", "sub")),
        Err(ClusterAuthError::NotHttps(_))
    ));
    let mut none = issuer("https://idp.example.com", "sub");
    none.audiences.clear();
    assert_eq!(jwt_entry(&none), Err(ClusterAuthError::NoAudience));
}

#[test]
fn merging_keeps_other_issuers_and_replaces_the_same_one() {
    let first = authentication_config(&issuer("https://a.example.com", "sub"), None).unwrap();
    assert_eq!(first["apiVersion"], API_VERSION);
    assert_eq!(first["kind"], KIND);
    let both = authentication_config(&issuer("https://b.example.com", "sub"), Some(first)).unwrap();
    let again = authentication_config(
        &issuer("https://a.example.com", "email"),
        Some(both.clone()),
    )
    .unwrap();
    let urls: Vec<_> = again["jwt"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["issuer"]["url"].as_str().unwrap())
        .collect();
    assert_eq!(urls, ["https://a.example.com", "https://b.example.com"]);
    assert_eq!(
        again["jwt"][0]["claimMappings"]["username"]["claim"],
        "email"
    );
    assert_eq!(again["jwt"][1], both["jwt"][1]);
}

#[test]
fn a_foreign_document_is_not_merged_into() {
    let foreign = json!({"apiVersion": "v1", "kind": "ConfigMap"});
    assert!(matches!(
        authentication_config(&issuer("https://a.example.com", "sub"), Some(foreign)),
        Err(ClusterAuthError::Existing(_))
    ));
}
