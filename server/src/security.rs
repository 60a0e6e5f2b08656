//! The security baseline applied to every response, whatever produced it: a Content-Security-Policy
//! whose only script source is a per-request nonce (plus WebAssembly compilation), and the headers
//! that stop sniffing, framing, referrers and powerful browser features.

use axum::extract::Request;
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use http::header::{
    CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE, REFERRER_POLICY, STRICT_TRANSPORT_SECURITY,
    X_CONTENT_TYPE_OPTIONS, X_FRAME_OPTIONS,
};
use http::{HeaderValue, Method, StatusCode};
use leptos::nonce::Nonce;

/// Browser features no page of the portal uses; denying them limits what injected code could do.
const PERMISSIONS_POLICY: &str = "accelerometer=(), autoplay=(), camera=(), display-capture=(), \
encrypted-media=(), fullscreen=(), geolocation=(), gyroscope=(), magnetometer=(), microphone=(), \
midi=(), payment=(), picture-in-picture=(), publickey-credentials-get=(), screen-wake-lock=(), \
serial=(), usb=(), xr-spatial-tracking=()";

/// The policy for one response. Scripts run only if they carry this response's nonce (the
/// hydration loader) or are loaded by one that does ('strict-dynamic'); everything else, styles,
/// images, fonts and connections, comes from this origin only.
/// Forms post to this origin only, and to the payment provider's (`payment_origin`) when one is
/// configured: a card payment's form is answered with a redirect to the provider's checkout page,
/// which `form-action` governs too.
pub fn content_security_policy(nonce: &str, payment_origin: Option<&str>) -> String {
    let payment = payment_origin.map(|origin| format!(" {origin}")).unwrap_or_default();
    format!(
        "default-src 'none'; script-src 'nonce-{nonce}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self'; img-src 'self'; font-src 'self'; connect-src 'self'; manifest-src 'self'; \
         form-action 'self'{payment}; base-uri 'none'; frame-ancestors 'none'; object-src 'none'"
    )
}

/// The origin (`scheme://host[:port]`) of a URL, for a CSP source; `None` if it has none.
pub fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let host = rest.split(['/', '?', '#']).next()?;
    (!host.is_empty() && !host.contains([' ', ';', ',', '\'']) && matches!(scheme, "http" | "https"))
        .then(|| format!("{scheme}://{host}"))
}

#[derive(Clone, Copy)]
pub struct SecurityOptions {
    /// Sends Strict-Transport-Security: only when the portal is public over HTTPS.
    pub hsts: bool,
    /// The payment provider's origin, where the card payment form is redirected.
    pub payment_origin: Option<&'static str>,
}

/// Middleware: generates the request's nonce (handed to Leptos through the request extensions, so
/// the hydration scripts carry it) and sets the baseline headers on the response.
pub async fn security_headers(options: SecurityOptions, mut request: Request, next: Next) -> Response {
    let nonce = Nonce::new();
    request.extensions_mut().insert(nonce.clone());
    let path_is_hashed_asset = request.uri().path().starts_with("/pkg/");
    let mut response = match unroutable(&request) {
        Some(status) => status.into_response(),
        None => next.run(request).await,
    };
    let success = response.status().is_success();
    let headers = response.headers_mut();
    let csp = HeaderValue::from_str(&content_security_policy(&nonce, options.payment_origin))
        .expect("nonce is URL-safe base64 and the origin was checked");
    headers.insert(CONTENT_SECURITY_POLICY, csp);
    headers.insert(X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    headers.insert(REFERRER_POLICY, HeaderValue::from_static("no-referrer"));
    headers.insert(X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    headers.insert("permissions-policy", HeaderValue::from_static(PERMISSIONS_POLICY));
    headers.insert("cross-origin-opener-policy", HeaderValue::from_static("same-origin"));
    headers.insert("cross-origin-resource-policy", HeaderValue::from_static("same-origin"));
    if options.hsts {
        headers.insert(STRICT_TRANSPORT_SECURITY, HeaderValue::from_static("max-age=63072000; includeSubDomains"));
    }
    let cache_control = cache_control(path_is_hashed_asset, success, headers.get(CONTENT_TYPE));
    headers.insert(CACHE_CONTROL, HeaderValue::from_static(cache_control));
    response
}

/// Requests no route of the portal can answer, refused before routing: the proxy methods, and request
/// targets with no path (`CONNECT host:port`, `OPTIONS *`), which made the static-file fallback build
/// a redirect it could not (and Leptos then panicked on the missing path).
fn unroutable(request: &Request) -> Option<StatusCode> {
    if request.method() == Method::CONNECT || request.method() == Method::TRACE {
        return Some(StatusCode::METHOD_NOT_ALLOWED);
    }
    match request.uri().path_and_query() {
        Some(target) if target.path().starts_with('/') => None,
        _ => Some(StatusCode::BAD_REQUEST),
    }
}

/// Hashed build output never changes under its name, so it is cached for a year; pages are never
/// stored (a reporter may share a device); other public files are revalidated daily.
fn cache_control(hashed_asset: bool, success: bool, content_type: Option<&HeaderValue>) -> &'static str {
    // Pages and API answers are per request (a nonce, a challenge, a receipt): never cached.
    let is_dynamic = content_type
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html") || v.starts_with("application/json"));
    if !success || is_dynamic {
        "no-store"
    } else if hashed_asset {
        "public, max-age=31536000, immutable"
    } else {
        "public, max-age=86400"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_policy_allows_no_inline_code_and_no_other_origin() {
        let csp = content_security_policy("abc", None);
        assert!(csp.contains("script-src 'nonce-abc' 'strict-dynamic' 'wasm-unsafe-eval';"));
        assert!(!csp.contains("unsafe-inline"));
        assert!(!csp.contains("http"));
        assert!(csp.contains("frame-ancestors 'none'"));
        assert!(csp.starts_with("default-src 'none';"));
        // With a payment provider, forms may go (be redirected) there, and nothing else may.
        let paying = content_security_policy("abc", Some("https://pagos.example.pe"));
        assert!(paying.contains("form-action 'self' https://pagos.example.pe;"));
        assert_eq!(paying.matches("https://").count(), 1);
    }

    #[test]
    fn an_origin_is_scheme_and_host_only() {
        assert_eq!(origin_of("https://pagos.example.pe/v1/x?y").as_deref(), Some("https://pagos.example.pe"));
        assert_eq!(origin_of("http://127.0.0.1:3100").as_deref(), Some("http://127.0.0.1:3100"));
        assert_eq!(origin_of("https://a.pe; script-src *"), None);
        assert_eq!(origin_of("javascript://x"), None);
        assert_eq!(origin_of(""), None);
    }

    #[test]
    fn caching_depends_on_what_was_served() {
        let html = HeaderValue::from_static("text/html; charset=utf-8");
        let js = HeaderValue::from_static("text/javascript");
        assert_eq!(cache_control(true, true, Some(&js)), "public, max-age=31536000, immutable");
        assert_eq!(cache_control(false, true, Some(&html)), "no-store");
        assert_eq!(cache_control(true, false, Some(&js)), "no-store");
        assert_eq!(cache_control(false, true, None), "public, max-age=86400");
    }
}
