//! "Gérer le compte utilisateur": the login's own data, its password, and its provider
//! access requests.

use leptos::prelude::*;
use serde::{Deserialize, Serialize};

/// One provider right of this login on another company, as the account page lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderAccessRow {
    pub right_id: i64,
    pub version: i64,
    /// While pending: `provider` (an invitation this login answers) or `principal` (its own
    /// request, which the company decides).
    pub awaiting: Option<String>,
    /// `dd.mm.yyyy`, Swiss time.
    pub date: String,
    pub company_name: String,
    pub customer_number: String,
    /// `pending`, `active`, `refused`, `revoked`, `expired` or `resigned`.
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub email: String,
    pub full_name: String,
    /// `dd.mm.yyyy HH:MM:SS`, Swiss time, as in the seed; `None` before the first sign-in.
    pub last_login: Option<String>,
    pub two_step_enabled: bool,
    pub provider_access: Vec<ProviderAccessRow>,
}

pub const MSG_WRONG_CURRENT_PASSWORD: &str = crate::auth::MSG_WRONG_CURRENT_PASSWORD;
pub const MSG_PASSWORDS_DIFFER: &str = "Les deux nouveaux mots de passe ne sont pas identiques.";
pub const MSG_PASSWORD_POLICY: &str = "Le nouveau mot de passe doit comporter de 10 à 128 caractères.";

#[server(prefix = "/api", endpoint = "load_account")]
pub async fn load_account() -> Result<AccountView, ServerFnError> {
    let login = crate::auth::server::require_login().await?;
    ssr::account_view(login.user_id).await
}

/// Changes the password of the signed-in login; the current one is required.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(current: String, new: String, confirm: String) -> Result<(), ServerFnError> {
    let login = crate::auth::server::require_login().await?;
    ssr::change_password(login.user_id, current, new, confirm).await
}

#[cfg(feature = "ssr")]
pub mod ssr {
    use super::*;
    use crate::auth::server::{internal, session, store};
    use crate::refusal::refused;
    use http::StatusCode;
    use chrono::{DateTime, Utc};
    use chrono_tz::Europe::Zurich;
    use portal_core::domain::{Password, RightType};

    /// Dates as the Swiss portal writes them, in Swiss time.
    pub fn swiss_date_time(at: DateTime<Utc>) -> String {
        at.with_timezone(&Zurich).format("%d.%m.%Y %H:%M:%S").to_string()
    }

    pub fn swiss_date(at: DateTime<Utc>) -> String {
        at.with_timezone(&Zurich).format("%d.%m.%Y").to_string()
    }

    pub async fn account_view(user_id: i64) -> Result<AccountView, ServerFnError> {
        let store = store()?;
        let user = store.user(user_id).await.map_err(internal)?;
        let mut provider_access: Vec<_> = store
            .rights_of_user(user_id)
            .await
            .map_err(internal)?
            .into_iter()
            .filter(|r| r.right.right_type == RightType::Provider && !r.is_home_company)
            .map(|r| ProviderAccessRow {
                right_id: r.right.id,
                version: r.right.version,
                awaiting: r.right.awaiting.map(|a| a.as_str().to_string()),
                date: swiss_date(r.right.created_at),
                company_name: r.company_name,
                customer_number: r.customer_number,
                status: r.right.status.as_str().to_string(),
            })
            .collect();
        provider_access.sort_by(|a, b| a.company_name.cmp(&b.company_name));
        Ok(AccountView {
            full_name: user.full_name(),
            email: user.email,
            last_login: user.last_login_at.map(swiss_date_time),
            two_step_enabled: user.totp_enabled,
            provider_access,
        })
    }

    pub async fn change_password(user_id: i64, current: String, new: String, confirm: String) -> Result<(), ServerFnError> {
        let new_password = Password::parse(&new).map_err(|_| refused(StatusCode::BAD_REQUEST, MSG_PASSWORD_POLICY))?;
        if new != confirm {
            return Err(refused(StatusCode::BAD_REQUEST, MSG_PASSWORDS_DIFFER));
        }
        let store = store()?;
        crate::auth::password::check_current_password(&store, user_id, current).await?;
        let new_hash = crate::auth::password::hash(new_password).await?;
        // Whoever signed in elsewhere with the old password (a shared or stolen one) is signed
        // out; this browser stays signed in. Its session is read first, so that a failure to
        // read it leaves the old password in place.
        let current = session().await?.id().map(|id| id.to_string());
        let ended = store.change_password(user_id, &new_hash, current.as_deref()).await.map_err(internal)?;
        tracing::info!(user_id, other_sessions_ended = ended, "password changed");
        Ok(())
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use chrono::TimeZone;

        #[test]
        fn dates_are_shown_in_swiss_time_winter_and_summer() {
            let winter = Utc.with_ymd_and_hms(2016, 3, 15, 14, 11, 51).unwrap();
            assert_eq!(swiss_date_time(winter), "15.03.2016 15:11:51");
            let summer = Utc.with_ymd_and_hms(2026, 7, 1, 22, 30, 0).unwrap();
            assert_eq!(swiss_date_time(summer), "02.07.2026 00:30:00");
            assert_eq!(swiss_date(summer), "02.07.2026");
        }
    }
}
