//! The way back after sign-in: the page a signed-out person opened by a link (an invitation,
//! a message, a right, an order list), kept through sign-in, two-step code and company
//! choice. Only a page of the portal itself is accepted, so that no link to the portal's
//! sign-in can send anybody elsewhere (an open redirect).

/// The query parameter of `/login` that names the page to come back to.
pub const RETURN_PARAM: &str = "retour";
/// Session key: the way back, between sign-in and the company choice.
pub const KEY_RETURN_TO: &str = "auth.return_to";

/// The first path segments of the pages a signed-in login opens: anything else (sign-in,
/// registration, links with tokens, the API) is never a way back.
const SIGNED_IN_SECTIONS: &[&str] = &["portal", "account", "messages", "invitations", "services", "admin"];
const MAX_LEN: usize = 512;

/// A path and query of one of the portal's signed-in pages, e.g. `/messages/12` or
/// `/admin/rights?tri=email&page=2`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReturnPath(String);

impl ReturnPath {
    /// `None` for anything that is not plainly such a path: another site (`//evil.example`,
    /// `https://…`, `/\evil.example`, which browsers read as `//`), encoded or control
    /// characters that could turn into one, a fragment, or a page outside the signed-in part.
    pub fn parse(raw: &str) -> Option<ReturnPath> {
        if raw.len() > MAX_LEN || !raw.starts_with('/') {
            return None;
        }
        let acceptable = |c: char| c.is_ascii_graphic() && !matches!(c, '\\' | '#');
        if !raw.chars().all(acceptable) {
            return None;
        }
        let (path, _query) = raw.split_once('?').unwrap_or((raw, ""));
        // Percent-encoding in the path could hide a second slash or a backslash; the portal's
        // own paths never need it.
        if path.contains('%') || path.contains("//") || path.split('/').any(|segment| segment == "..") {
            return None;
        }
        let section = path.trim_start_matches('/').split('/').next().unwrap_or_default();
        SIGNED_IN_SECTIONS.contains(&section).then(|| ReturnPath(raw.to_string()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// `retour=…`, the query parameter that names this way back.
    pub fn query_param(&self) -> String {
        format!("{RETURN_PARAM}={}", leptos_router::location::Url::escape(&self.0))
    }

    /// The sign-in page that comes back here.
    pub fn login_url(&self) -> String {
        format!("{}?{}", super::paths::PATH_LOGIN, self.query_param())
    }
}

#[cfg(test)]
mod tests {
    use super::ReturnPath;

    #[test]
    fn the_portal_s_signed_in_pages_are_ways_back_with_their_query() {
        for path in ["/portal", "/account", "/messages/12", "/invitations/7", "/services/orders", "/admin/rights?tri=email&ordre=desc&page=2&q=M%C3%BCller"] {
            assert_eq!(ReturnPath::parse(path).map(|p| p.as_str().to_string()), Some(path.to_string()), "{path}");
        }
    }

    #[test]
    fn another_site_is_never_a_way_back() {
        for path in [
            "https://evil.example/portal",
            "//evil.example/portal",
            "/\\evil.example",
            "/%2F%2Fevil.example",
            "/portal/%2e%2e/login",
            "portal",
            "",
            "javascript:alert(1)",
            "/portal\r\nLocation: https://evil.example",
            "/portal\t",
            "/portal//evil.example",
        ] {
            assert_eq!(ReturnPath::parse(path), None, "{path:?}");
        }
    }

    #[test]
    fn pages_outside_the_signed_in_part_are_not_ways_back() {
        for path in [
            "/",
            "/login",
            "/login/code",
            "/select-company",
            "/register/confirm?token=x",
            "/password/reset",
            "/api/sign_out",
            "/pkg/app.js",
            "/healthz",
            "/portalx",
            "/portal/../login",
            "/messages#top",
        ] {
            assert_eq!(ReturnPath::parse(path), None, "{path}");
        }
    }

    #[test]
    fn an_overlong_path_is_refused() {
        assert_eq!(ReturnPath::parse(&format!("/portal?q={}", "a".repeat(600))), None);
    }

    #[cfg(feature = "ssr")]
    #[test]
    fn the_login_link_carries_the_path_encoded() {
        let back = ReturnPath::parse("/admin/rights?tri=email&page=2").unwrap();
        assert_eq!(back.login_url(), "/login?retour=%2Fadmin%2Frights%3Ftri%3Demail%26page%3D2");
    }
}
