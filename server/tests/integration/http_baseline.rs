//! The security baseline and the pages, through the same router the binary serves.

use crate::common;

use common::{get, portal};
use http::{StatusCode, header};

fn header<'a>(headers: &'a http::HeaderMap, name: &str) -> &'a str {
    headers.get(name).unwrap_or_else(|| panic!("missing {name}")).to_str().unwrap()
}

#[tokio::test]
async fn every_page_carries_the_security_headers_and_a_fresh_matching_nonce() {
    let portal = portal().await;
    let mut nonces = Vec::new();
    for uri in ["/", "/privacidad", "/en", "/en/privacidad", "/no-such-page"] {
        let (_, headers, body) = get(&portal, uri).await;
        let csp = header(&headers, "content-security-policy");
        assert!(!csp.contains("unsafe-inline"), "{csp}");
        assert!(csp.contains("frame-ancestors 'none'"));
        let nonce = csp.split("'nonce-").nth(1).and_then(|rest| rest.split('\'').next()).expect("a nonce");
        assert!(nonce.len() >= 22, "at least 128 bits: {nonce}");
        // Every script in the page carries the header's nonce; none lacks it.
        let tags: Vec<&str> =
            body.split("<script").skip(1).map(|rest| rest.split('>').next().unwrap_or_default()).collect();
        assert!(tags.iter().any(|tag| tag.contains("src=\"/pkg/site")), "{uri} loads the site script: {body}");
        for tag in &tags {
            assert!(tag.contains(&format!(" nonce=\"{nonce}\"")), "{uri}: <script{tag}> lacks the nonce");
        }
        assert_eq!(header(&headers, "x-content-type-options"), "nosniff");
        assert_eq!(header(&headers, "referrer-policy"), "no-referrer");
        assert_eq!(header(&headers, "x-frame-options"), "DENY");
        assert!(header(&headers, "permissions-policy").contains("camera=()"));
        assert_eq!(header(&headers, header::CACHE_CONTROL.as_str()), "no-store");
        assert!(headers.get(header::SET_COOKIE).is_none(), "{uri} sets no cookie");
        nonces.push(nonce.to_string());
    }
    nonces.sort();
    nonces.dedup();
    assert_eq!(nonces.len(), 5, "a new nonce for every response");
}

#[tokio::test]
async fn the_language_follows_the_path() {
    let portal = portal().await;
    let (status, _, body) = get(&portal, "/").await;
    assert_eq!(status, StatusCode::OK);
    assert!(body.contains("<html lang=\"es-PE\""), "{body}");
    assert!(body.contains("Portal Ciudadano de Miraflores"));
    assert!(body.contains("href=\"/en\""), "a link to the English page");
    assert!(body.contains("<span lang=\"en\">English</span>"), "the language's name is marked as English");

    let (_, _, body) = get(&portal, "/en/privacidad").await;
    assert!(body.contains("<html lang=\"en\""));
    assert!(body.contains("Privacy and security"));
    assert!(body.contains("href=\"/privacidad\""), "a link back to the Spanish page");
    assert!(body.contains("<span lang=\"es-PE\">Español</span>"), "the language's name is marked as Spanish");

    let (_, _, body) = get(&portal, "/es/privacidad").await;
    assert!(body.contains("<html lang=\"es-PE\""));
    assert!(body.contains("Privacidad y seguridad"));
}

#[tokio::test]
async fn an_unknown_page_is_a_404_in_the_right_language() {
    let portal = portal().await;
    let (status, _, body) = get(&portal, "/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("No encontramos esa página"));
    let (status, _, body) = get(&portal, "/en/no-such-page").await;
    assert_eq!(status, StatusCode::NOT_FOUND);
    assert!(body.contains("We could not find that page"));
}

#[tokio::test]
async fn pages_load_nothing_from_another_origin() {
    let portal = portal().await;
    for uri in ["/", "/privacidad", "/en"] {
        let (_, _, body) = get(&portal, uri).await;
        for attribute in ["src=\"", "href=\""] {
            for value in body.split(attribute).skip(1).map(|rest| rest.split('"').next().unwrap()) {
                assert!(value.starts_with('/') || value.starts_with('#'), "{uri}: {attribute}{value}");
                assert!(!value.starts_with("//"), "{uri}: {attribute}{value}");
            }
        }
    }
}

#[tokio::test]
async fn health_reports_the_database() {
    let portal = portal().await;
    let (status, _, body) = get(&portal, "/healthz").await;
    assert_eq!((status, body.as_str()), (StatusCode::OK, "ok"));
}

#[tokio::test]
async fn requests_with_no_path_or_a_proxy_method_are_refused_without_a_panic() {
    use tower::ServiceExt;
    let portal = portal().await;
    // `CONNECT host:port` (authority form) and `OPTIONS *` carry no path; before this was refused at the
    // edge, the static-file fallback failed to build a redirect and Leptos panicked on the missing path.
    let cases = [
        (http::Method::CONNECT, "127.0.0.1:22", StatusCode::METHOD_NOT_ALLOWED),
        (http::Method::TRACE, "/", StatusCode::METHOD_NOT_ALLOWED),
        (http::Method::OPTIONS, "*", StatusCode::BAD_REQUEST),
        (http::Method::GET, "http://127.0.0.1", StatusCode::OK),
    ];
    for (method, target, expected) in cases {
        let request =
            http::Request::builder().method(method.clone()).uri(target).body(axum::body::Body::empty()).unwrap();
        let response = portal.app.clone().oneshot(request).await.unwrap();
        assert_eq!(response.status(), expected, "{method} {target}");
        assert!(response.headers().contains_key(http::header::CONTENT_SECURITY_POLICY), "{method} {target}");
    }
}
