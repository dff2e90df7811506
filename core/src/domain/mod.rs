//! Domain vocabulary (docs/domain.md, "Words"): validated values, right types and the
//! right's lifecycle. No I/O here: this module also compiles for the browser (wasm32).

/// `as_str`, `parse`, `Display` and `FromStr` of an enum stored as a word.
macro_rules! str_enum {
    ($t:ident, $kind:literal, { $($v:ident => $s:literal),* $(,)? }) => {
        impl $t {
            pub const ALL: &'static [$t] = &[$($t::$v),*];
            /// The lowercase string stored in the database.
            pub fn as_str(&self) -> &'static str {
                match self { $($t::$v => $s),* }
            }
            pub fn parse(s: &str) -> Result<Self, UnknownValue> {
                match s { $($s => Ok($t::$v),)* _ => Err(UnknownValue { kind: $kind, value: s.to_owned() }) }
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl std::str::FromStr for $t {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> { Self::parse(s) }
        }
    };
}

// The access policy's SQL twins are macros the store uses.
#[macro_use]
mod access;
mod audit;
#[cfg(feature = "calendar")]
pub mod calendar;
mod rights;
mod values;

pub use access::*;
pub use audit::*;
pub use rights::*;
pub use values::*;

/// Identifier of a company row.
pub type CompanyId = i64;
/// Identifier of a user (login).
pub type UserId = i64;
/// Identifier of a user right.
pub type RightId = i64;
/// Identifier of an online service.
pub type ServiceId = i64;
/// Identifier of a debtor (billing account).
pub type DebtorId = i64;
/// Identifier of a permission template.
pub type TemplateId = i64;

/// Any validation error of the domain, each with a stable `code()` the UI translates.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DomainError {
    #[error(transparent)]
    Email(#[from] EmailError),
    #[error(transparent)]
    CustomerNumber(#[from] CustomerNumberError),
    #[error(transparent)]
    Name(#[from] NameError),
    #[error(transparent)]
    Remark(#[from] RemarkError),
    #[error(transparent)]
    DebtorNumber(#[from] DebtorNumberError),
    #[error(transparent)]
    Password(#[from] PasswordError),
    #[error(transparent)]
    Language(#[from] LanguageError),
    #[error(transparent)]
    InvitationLifetime(#[from] InvitationLifetimeError),
    #[error(transparent)]
    Extension(#[from] ExtensionError),
    #[error(transparent)]
    Lifecycle(#[from] LifecycleError),
    #[error(transparent)]
    Grant(#[from] GrantError),
    #[error(transparent)]
    Order(#[from] OrderError),
    #[error(transparent)]
    Rule(#[from] RightRuleError),
    #[error(transparent)]
    Unknown(#[from] UnknownValue),
}

impl DomainError {
    /// Stable code, e.g. `"email.invalid"`, for translation in the UI.
    pub fn code(&self) -> &'static str {
        match self {
            DomainError::Email(e) => e.code(),
            DomainError::CustomerNumber(e) => e.code(),
            DomainError::Name(e) => e.code(),
            DomainError::Remark(e) => e.code(),
            DomainError::DebtorNumber(e) => e.code(),
            DomainError::Password(e) => e.code(),
            DomainError::Language(e) => e.code(),
            DomainError::InvitationLifetime(e) => e.code(),
            DomainError::Extension(e) => e.code(),
            DomainError::Lifecycle(e) => e.code(),
            DomainError::Grant(e) => e.code(),
            DomainError::Order(e) => e.code(),
            DomainError::Rule(e) => e.code(),
            DomainError::Unknown(e) => e.code(),
        }
    }
}

/// Why a set of service authorizations cannot be stored.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum GrantError {
    #[error("a debtor does not belong to the company of the right")]
    DebtorOfAnotherCompany,
    #[error("the company does not subscribe to this service")]
    ServiceNotSubscribed,
    #[error("unknown service")]
    UnknownService,
    #[error("a service appears twice")]
    DuplicateService,
    #[error("choose all debtors or at least one debtor")]
    NoDebtors,
    #[error("a permission template needs at least one service")]
    EmptyTemplate,
}

impl GrantError {
    pub fn code(&self) -> &'static str {
        match self {
            GrantError::DebtorOfAnotherCompany => "grant.debtor_of_another_company",
            GrantError::ServiceNotSubscribed => "grant.service_not_subscribed",
            GrantError::UnknownService => "grant.unknown_service",
            GrantError::DuplicateService => "grant.duplicate_service",
            GrantError::NoDebtors => "grant.no_debtors",
            GrantError::EmptyTemplate => "grant.empty_template",
        }
    }
}

/// Rules about a company's rights as a whole, checked when rights are entered or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RightRuleError {
    #[error("the company would be left without an active administrator")]
    LastAdministrator,
    #[error("the login belongs to another company")]
    LoginOfAnotherCompany,
    #[error("the login joined another company since it was invited")]
    AlreadyInACompany,
    #[error("authorizations can only be copied from a right of the same company")]
    CopySourceOfAnotherCompany,
    #[error("only a permission template of the same company can be applied")]
    TemplateOfAnotherCompany,
    #[error("too many access requests are waiting for an answer")]
    TooManyRequests,
}

impl RightRuleError {
    pub fn code(&self) -> &'static str {
        match self {
            RightRuleError::LastAdministrator => "rights.last_administrator",
            RightRuleError::LoginOfAnotherCompany => "rights.login_of_another_company",
            RightRuleError::AlreadyInACompany => "rights.already_in_a_company",
            RightRuleError::CopySourceOfAnotherCompany => "rights.copy_source_invalid",
            RightRuleError::TemplateOfAnotherCompany => "rights.template_invalid",
            RightRuleError::TooManyRequests => "rights.too_many_requests",
        }
    }
}

/// Why an order cannot be placed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum OrderError {
    #[error("an order needs at least one line")]
    NoLines,
    #[error("quantities must be positive")]
    BadQuantity,
    #[error("the product is not an active contract product of the company")]
    UnknownProduct,
    #[error("the debtor does not belong to the company")]
    DebtorOfAnotherCompany,
}

impl OrderError {
    pub fn code(&self) -> &'static str {
        match self {
            OrderError::NoLines => "order.no_lines",
            OrderError::BadQuantity => "order.bad_quantity",
            OrderError::UnknownProduct => "order.unknown_product",
            OrderError::DebtorOfAnotherCompany => "order.debtor_of_another_company",
        }
    }
}

/// A stored or submitted code string that is not one of the known values.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown {kind}: {value:?}")]
pub struct UnknownValue {
    pub kind: &'static str,
    pub value: String,
}

impl UnknownValue {
    pub fn code(&self) -> &'static str {
        match self.kind {
            "right type" => "right_type.unknown",
            "right status" => "right_status.unknown",
            "awaiting" => "awaiting.unknown",
            "origin" => "origin.unknown",
            "request status" => "request_status.unknown",
            _ => "value.unknown",
        }
    }
}
