//! What a service works with besides its input: the store (and its clock), the mailer, the
//! portal's public address and the limits. A server function reads them from the request's context
//! once ([`Deps::of_request`]) and hands them to the service, which reads no context of its
//! own; a test builds them over a fresh store.

use portal_core::store::Store;

use super::context::{settings, store, AuthSettings};
use super::mail::{mailer, public_base, Mailer};
use super::refusal::PortalError;

#[derive(Clone, Debug)]
pub struct Deps {
    pub store: Store,
    pub mailer: Mailer,
    /// The portal's public address without a trailing slash: every link in an e-mail starts
    /// with it, never with a request's host.
    pub base: String,
    /// Time-outs and the limits of attempts and requests.
    pub settings: AuthSettings,
}

impl Deps {
    /// The ones the server provided to this request.
    pub fn of_request() -> Result<Deps, PortalError> {
        Ok(Deps { store: store()?, mailer: mailer()?, base: public_base()?, settings: settings() })
    }
}
