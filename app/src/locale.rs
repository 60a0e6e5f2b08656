//! Which language a page is in is decided by its URL alone: `/en/...` is English, `/es/...` Spanish,
//! and the unprefixed `/...` is in the deployment's default language. Not a cookie and not the
//! `Accept-Language` header: every page stays a shareable link, nothing is stored in the browser, and
//! Tor Browser (which always asks for English) still gets the district's language by default.

use crate::i18n::Locale;

/// The deployment's default language, the one served at unprefixed paths. Spanish (Peru) when
/// nothing says otherwise.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultLocale(pub Locale);

impl Default for DefaultLocale {
    fn default() -> Self {
        Self(Locale::es_PE)
    }
}

/// Every language the portal speaks, in the order they are offered.
pub const LOCALES: [Locale; 2] = [Locale::es_PE, Locale::en];

/// The URL prefix of a language.
pub fn url_prefix(locale: Locale) -> &'static str {
    match locale {
        Locale::es_PE => "es",
        Locale::en => "en",
    }
}

/// The BCP 47 tag for `<html lang>` and `hreflang`.
pub fn language_tag(locale: Locale) -> &'static str {
    match locale {
        Locale::es_PE => "es-PE",
        Locale::en => "en",
    }
}

/// Parses a language as a deployer writes it in `Leptos.toml`: `es-PE`, `es` or `en`.
pub fn parse_language(tag: &str) -> Option<Locale> {
    match tag.trim().to_ascii_lowercase().as_str() {
        "es-pe" | "es" => Some(Locale::es_PE),
        "en" => Some(Locale::en),
        _ => None,
    }
}

/// Splits a path into its language prefix, if it has one, and the page path that follows it:
/// `/en/privacidad` gives `(Some(en), "/privacidad")`, `/privacidad` gives `(None, "/privacidad")`.
pub fn split_path(path: &str) -> (Option<Locale>, &str) {
    for locale in LOCALES {
        let prefix = url_prefix(locale);
        if let Some(rest) = path.strip_prefix('/').and_then(|p| p.strip_prefix(prefix)) {
            if rest.is_empty() {
                return (Some(locale), "/");
            }
            if rest.starts_with('/') {
                return (Some(locale), rest);
            }
        }
    }
    (None, if path.is_empty() { "/" } else { path })
}

/// The canonical path of a page (`page` starts with `/`) in `locale`: unprefixed in the default
/// language, prefixed in the others.
pub fn localized_path(locale: Locale, default: Locale, page: &str) -> String {
    if locale == default {
        page.to_string()
    } else if page == "/" {
        format!("/{}", url_prefix(locale))
    } else {
        format!("/{}{}", url_prefix(locale), page)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_path_recognises_prefixes_only_as_whole_segments() {
        assert_eq!(split_path("/en"), (Some(Locale::en), "/"));
        assert_eq!(split_path("/en/"), (Some(Locale::en), "/"));
        assert_eq!(split_path("/en/privacidad"), (Some(Locale::en), "/privacidad"));
        assert_eq!(split_path("/es/privacidad"), (Some(Locale::es_PE), "/privacidad"));
        assert_eq!(split_path("/privacidad"), (None, "/privacidad"));
        assert_eq!(split_path("/encuestas"), (None, "/encuestas"));
        assert_eq!(split_path("/"), (None, "/"));
        assert_eq!(split_path(""), (None, "/"));
    }

    #[test]
    fn localized_path_leaves_the_default_language_unprefixed() {
        assert_eq!(localized_path(Locale::es_PE, Locale::es_PE, "/"), "/");
        assert_eq!(localized_path(Locale::en, Locale::es_PE, "/"), "/en");
        assert_eq!(localized_path(Locale::en, Locale::es_PE, "/privacidad"), "/en/privacidad");
        assert_eq!(localized_path(Locale::es_PE, Locale::en, "/privacidad"), "/es/privacidad");
        assert_eq!(localized_path(Locale::en, Locale::en, "/privacidad"), "/privacidad");
    }

    #[test]
    fn parse_language_accepts_the_documented_tags() {
        assert_eq!(parse_language("es-PE"), Some(Locale::es_PE));
        assert_eq!(parse_language("es"), Some(Locale::es_PE));
        assert_eq!(parse_language("EN"), Some(Locale::en));
        assert_eq!(parse_language("fr"), None);
    }
}
