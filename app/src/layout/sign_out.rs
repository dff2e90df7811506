//! "Se déconnecter", in the header of every signed-in page.

use crate::shared::form::form_action;
use crate::shared::refusal::PortalError;
use leptos::prelude::*;

/// Ends the session on the server (the cookie no longer works) and goes to `/login`.
#[server(prefix = "/api", endpoint = "sign_out")]
pub async fn sign_out() -> Result<(), PortalError> {
    crate::access::end_session(&crate::shared::context::store()?).await?;
    leptos_axum::redirect(crate::shared::paths::PATH_LOGIN);
    Ok(())
}

/// A sign-out button (a form posting to `/api/sign_out`, so it works without JavaScript too).
/// The children are the button's label, e.g. "Se déconnecter". The server function's
/// redirect to the sign-in page is followed as a navigation.
#[cfg_attr(not(island_signed_in), component)]
#[cfg_attr(island_signed_in, island)]
pub fn SignOutButton(class: String, children: Children) -> impl IntoView {
    let action = form_action::<SignOut>();
    view! {
        <ActionForm action=action>
            <button type="submit" class=class>{children()}</button>
        </ActionForm>
    }
}
