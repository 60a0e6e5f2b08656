//! Paths as typed constants. Each page is defined once, in its capability's `paths` module, as a
//! [`Page`]; the router matches it, links and redirects are made from it, and the server's handlers
//! and tests compare with it. Paths are the Spanish slugs without a language prefix (`locale` adds
//! `/en` or `/es`).

/// A page of the portal at a fixed path, such as `/denuncia/formulario`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Page(&'static str);

impl Page {
    /// `path` starts with `/`, has no trailing `/` (except the home page, `/`) and no parameters.
    pub const fn new(path: &'static str) -> Self {
        let bytes = path.as_bytes();
        assert!(!bytes.is_empty() && bytes[0] == b'/', "a page path starts with /");
        assert!(bytes.len() == 1 || bytes[bytes.len() - 1] != b'/', "a page path has no trailing /");
        Self(path)
    }

    pub const fn path(self) -> &'static str {
        self.0
    }

    /// The path's segments: none for the home page.
    pub fn segments(self) -> impl Iterator<Item = &'static str> {
        self.0.split('/').filter(|segment| !segment.is_empty())
    }
}

impl std::fmt::Display for Page {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.0)
    }
}

/// The router matches a page segment by segment, as `path!("denuncia/formulario")` would.
#[cfg(feature = "ssr")]
mod route {
    use super::Page;
    use leptos_router::{PartialPathMatch, PathSegment, PossibleRouteMatch, StaticSegment};

    impl PossibleRouteMatch for Page {
        fn optional(&self) -> bool {
            false
        }

        fn test<'a>(&self, path: &'a str) -> Option<PartialPathMatch<'a>> {
            if self.segments().next().is_none() {
                return StaticSegment("").test(path);
            }
            let mut remaining = path;
            for segment in self.segments() {
                remaining = StaticSegment(segment).test(remaining)?.remaining();
            }
            Some(PartialPathMatch::new(remaining, Vec::new(), &path[..path.len() - remaining.len()]))
        }

        fn generate_path(&self, path: &mut Vec<PathSegment>) {
            path.extend(self.segments().map(|segment| PathSegment::Static(segment.into())));
        }
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        #[test]
        fn a_page_matches_its_whole_segments_only() {
            let form = Page::new("/denuncia/formulario");
            let matched = form.test("/denuncia/formulario").unwrap();
            assert!(matched.is_complete());
            assert_eq!(matched.matched(), "/denuncia/formulario");
            assert!(form.test("/denuncia/formularios").is_none());
            assert!(form.test("/denuncia").is_none());
            assert!(!form.test("/denuncia/formulario/extra").unwrap().is_complete());
            assert!(Page::new("/").test("/").unwrap().is_complete());
            assert!(Page::new("/").test("").unwrap().is_complete());
        }
    }
}
