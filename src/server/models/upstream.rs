//! The URL a model's calls and readiness checks go to.

use crate::crd::Serving;

/// `template` with `{service}`, `{namespace}` and `{port}` filled in, and
/// `path` appended (one `/` between them).
pub fn url(template: &str, namespace: &str, serving: &Serving, path: &str) -> String {
    let base = template
        .replace("{service}", &serving.service)
        .replace("{namespace}", namespace)
        .replace("{port}", &serving.port.to_string());
    format!(
        "{}/{}",
        base.trim_end_matches('/'),
        path.trim_start_matches('/')
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::crd::ServingProtocol;

    fn serving(protocol: ServingProtocol) -> Serving {
        Serving {
            service: "scorer".into(),
            port: 8080,
            path_prefix: "/v1/models/fraud-scorer".into(),
            protocol,
            example_input: None,
        }
    }

    #[test]
    fn the_default_reaches_the_service_in_the_cluster() {
        let s = serving(ServingProtocol::KServeV1);
        assert_eq!(
            url(
                super::super::settings::DEFAULT_UPSTREAM,
                "fraud",
                &s,
                &s.call_path()
            ),
            "http://scorer.fraud.svc:8080/v1/models/fraud-scorer:predict"
        );
    }

    #[test]
    fn a_fixed_upstream_gets_the_path_appended() {
        let s = serving(ServingProtocol::OpenInference);
        assert_eq!(
            url("http://127.0.0.1:9300/", "fraud", &s, &s.call_path()),
            "http://127.0.0.1:9300/v1/models/fraud-scorer/infer"
        );
        assert_eq!(
            url("http://127.0.0.1:9300", "fraud", &s, &s.ready_path()),
            "http://127.0.0.1:9300/v1/models/fraud-scorer/ready"
        );
        let plain = serving(ServingProtocol::Plain);
        assert_eq!(
            url("http://m", "fraud", &plain, &plain.call_path()),
            "http://m/v1/models/fraud-scorer"
        );
    }
}
