//! The operator's tools (subcommands that change data and exit): `create-company`.

use portal_core::domain::{CustomerNumber, EmailAddress, Language, PersonName};
use portal_core::store::{NewCompany, NewUser, Store, StoreError, TokenPurpose};

use crate::config::CreateCompanyArgs;
use crate::mail::Mailer;

/// What `create-company` did, for its output.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreatedCompany {
    pub company_id: i64,
    pub admin_user_id: i64,
    pub new_login: bool,
}

/// Checks the input, then in one transaction creates the company, the administrator's login
/// (or gives an existing login without home company this one) and an active employee right
/// with the administrator flag; then e-mails a set-password link (72 h). Errors are one line.
pub async fn create_company(store: &Store, mailer: &Mailer, args: &CreateCompanyArgs) -> Result<CreatedCompany, String> {
    let number = CustomerNumber::parse(&args.customer_number).map_err(|e| format!("invalid customer number {:?}: {e}", args.customer_number))?;
    let name = args.name.trim();
    if name.is_empty() || name.chars().count() > 200 || name.chars().any(char::is_control) {
        return Err(format!("invalid company name {:?}: 1 to 200 characters, no control characters", args.name));
    }
    let language = Language::parse(&args.language).map_err(|_| format!("unknown language {:?} (expected fr, de, it or en)", args.language))?;
    let email = EmailAddress::parse(&args.admin_email).map_err(|e| format!("invalid administrator e-mail {:?}: {e}", args.admin_email))?;
    let first_name = PersonName::parse(&args.first_name).map_err(|e| format!("invalid first name {:?}: {e}", args.first_name))?;
    let last_name = PersonName::parse(&args.last_name).map_err(|e| format!("invalid last name {:?}: {e}", args.last_name))?;
    let base = match &args.public_url {
        Some(url) => crate::config::checked_public_url(url)?.origin().ascii_serialization(),
        None => return Err(crate::config::MISSING_PUBLIC_URL.to_string()),
    };

    let company = NewCompany { customer_number: number.clone(), name: name.to_string(), language };
    let admin = NewUser { email: email.clone(), first_name, last_name, password_hash: None, language, home_company_id: None };
    let onboarded = store.onboard_company(&company, &admin).await.map_err(|e| match e {
        StoreError::Duplicate { what: "company.customer_number" } => {
            format!("customer number {} is already used by another company", number.as_str())
        }
        StoreError::Duplicate { what: "user.home_company" } => {
            format!("the login {} already belongs to a company; choose another administrator", email.as_str())
        }
        other => format!("cannot create the company: {other}"),
    })?;

    let purpose = TokenPurpose::SetPassword;
    let token = store
        .create_email_token(purpose, onboarded.admin.id, None, purpose.validity())
        .await
        .map_err(|e| format!("company created, but the set-password link could not be made: {e}"))?;
    let link = format!("{base}/password/reset?token={}", token.expose());
    let (subject, body) = app::password_reset::service::set_password_mail(&onboarded.admin, &onboarded.company.name, &link);
    mailer
        .send(&onboarded.admin.email, &subject, &body)
        .await
        .map_err(|e| format!("company created, but the set-password e-mail was not delivered ({e}); it stays in the outbox"))?;
    Ok(CreatedCompany { company_id: onboarded.company.id, admin_user_id: onboarded.admin.id, new_login: onboarded.new_login })
}
