//! The access-control matrix, over real HTTP, on SQLite and on Postgres: every server
//! function and every page that renders data, called by every kind of actor, against the
//! answer the product promises. The matrix is printed (rows: what is called; columns: who
//! calls; cells: allow or deny, and whether that is what was expected) and the test fails
//! on any cell that differs, on any 5xx, and on any server function or page that has no row.
//!
//! The target is Musterhans SA: its administrator, an administrator whose right ends today
//! (the last day still counts), a former administrator (an employee whose flag was taken
//! away), its employee, the administrator of another company (acting for that company),
//! providers whose Musterhans right is pending, suspended, refused, revoked, expired or
//! resigned, active providers without the service or with the service for another debtor, a
//! login of no company with no right anywhere, a technical user presenting its API key, and
//! Musterhans' administrator called from another site (a wrong `Origin`).
//!
//! The providers whose right is not active, and the login of no company, try to act for
//! Musterhans: before each of their calls, their session's acting company is Musterhans, as
//! if chosen while a right was active (or forged). Whatever needs the acting company must then refuse them *because it is gone*
//! (409 `acting_company.none`, or a page that sends them to the company choice), and the
//! calls from another site must be refused by the origin check (403): a deny for another
//! reason counts as a difference.
//!
//! Some rows pass another company's debtor, product or right (as copy source, too): nobody
//! may, and those who may call the function with their own ids must be refused with the code
//! that names the foreign thing (a 400 naming it counts as that deny).
//!
//! "allow" is a 2xx answer; "deny" is 401, 403, 404 or 409, or a page that sends the browser
//! to the sign-in or the company choice. Each call gets valid input, prepared fresh for the
//! cell, so that a deny can only come from the access check. Every 2xx answer to anybody but
//! Musterhans' administrator is also checked not to carry Musterhans' staff data.

use crate::auth_support;

use std::collections::BTreeSet;
use std::fmt::Write as _;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use app::two_step::service::code_at;
use auth_support::people::{employee_right, invitation, new_company, new_login, new_login_of_no_company, set_acting_company, step};
use auth_support::{grants_form, json_of, read, Answer, Options, TestApp, ADMIN, PASSWORD};
use portal_core::domain::{EmailAddress, Party, Remark, Transition};
use portal_core::store::{Actor as StoreActor, Company, GrantSpec, RightChanges, UserRight};

const EMPLOYEE: &str = "marc.dubois@musterhans.example";
const OTHER_ADMIN: &str = "admin@transports-rapides.example";
const LAST_DAY_ADMIN: &str = "dernier-jour@musterhans.example";
const FORMER_ADMIN: &str = "ancien-admin@musterhans.example";
/// Only Musterhans' administrator may ever receive this address (the rights list, the
/// right's page, the audit log); a 2xx answer carrying it to anybody else is a leak.
const STAFF_MARKER: &str = "sophie.keller@musterhans.example";
const AGENCY_NUMBER: &str = "40000004";
const NEW_PASSWORD: &str = "Matrice-2026!neu";

static SPARE: AtomicU32 = AtomicU32::new(0);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Who {
    Anonymous,
    Employee,
    Administrator,
    LastDayAdministrator,
    FormerAdministrator,
    OtherAdministrator,
    Pending,
    Suspended,
    Refused,
    Revoked,
    Expired,
    Resigned,
    WithoutService,
    OtherDebtor,
    CompanyLess,
    Technical,
    CrossSite,
}

use Who::*;

const ACTORS: [Who; 17] = [
    Anonymous,
    Employee,
    Administrator,
    LastDayAdministrator,
    FormerAdministrator,
    OtherAdministrator,
    Pending,
    Suspended,
    Refused,
    Revoked,
    Expired,
    Resigned,
    WithoutService,
    OtherDebtor,
    CompanyLess,
    Technical,
    CrossSite,
];

/// The origin of the pages of another site.
const OTHER_SITE: &str = "https://evil.example";

impl Who {
    fn column(self) -> &'static str {
        match self {
            Anonymous => "anon",
            Employee => "empl",
            Administrator => "admin",
            LastDayAdministrator => "adm-last",
            FormerAdministrator => "ex-adm",
            OtherAdministrator => "oth-adm",
            Pending => "pend",
            Suspended => "susp",
            Refused => "refus",
            Revoked => "revok",
            Expired => "expir",
            Resigned => "resig",
            WithoutService => "no-svc",
            OtherDebtor => "oth-deb",
            CompanyLess => "no-co",
            Technical => "tech",
            CrossSite => "x-site",
        }
    }

    fn legend(self) -> &'static str {
        match self {
            Anonymous => "not signed in",
            Employee => "employee of Musterhans SA (orders, tracking)",
            Administrator => "administrator of Musterhans SA",
            LastDayAdministrator => "administrator of Musterhans SA whose right ends today (its last day)",
            FormerAdministrator => "employee of Musterhans SA who was its administrator (flag taken away)",
            OtherAdministrator => "administrator of Transports Rapides SA, acting for it",
            Pending => "provider whose Musterhans right is pending",
            Suspended => "provider whose Musterhans right is suspended",
            Refused => "provider whose Musterhans right was refused",
            Revoked => "provider whose Musterhans right was revoked",
            Expired => "provider whose Musterhans right expired",
            Resigned => "provider who resigned the Musterhans right",
            WithoutService => "active provider with invoices only (no orders)",
            OtherDebtor => "active provider with orders for debtor 100001 only",
            CompanyLess => "login of no company, with no right anywhere",
            Technical => "technical user of Musterhans SA presenting its API key",
            CrossSite => "administrator of Musterhans SA, called from another site (wrong Origin)",
        }
    }

    /// A login without an active Musterhans right (a provider whose right is not active, a
    /// login of no company), trying to act for Musterhans.
    fn right_ended(self) -> bool {
        matches!(self, Pending | Suspended | Refused | Revoked | Expired | Resigned | CompanyLess)
    }

    /// Whom the rules treat this actor as: an administrator on the last day of its right is
    /// an administrator (with the same grants as Musterhans' administrator).
    fn as_ruled(self) -> Who {
        if self == LastDayAdministrator {
            Administrator
        } else {
            self
        }
    }

    fn signs_in(self) -> bool {
        !matches!(self, Anonymous | Technical)
    }

    /// The login's e-mail in this world.
    fn email(self) -> Option<String> {
        match self {
            Anonymous | Technical => None,
            Employee => Some(EMPLOYEE.into()),
            Administrator | CrossSite => Some(ADMIN.into()),
            LastDayAdministrator => Some(LAST_DAY_ADMIN.into()),
            FormerAdministrator => Some(FORMER_ADMIN.into()),
            OtherAdministrator => Some(OTHER_ADMIN.into()),
            other => Some(format!("{}@conseil-matrice.example", other.column())),
        }
    }
}

/// Who may, per row.
#[derive(Debug, Clone, Copy)]
enum Rule {
    Everybody,
    SignedIn,
    Nobody,
    /// Exactly these actors (an administrator on the last day of its right counts as one).
    Only(&'static [Who]),
    /// Musterhans' administrator in person: what is addressed to that login alone.
    AnnaAlone,
}

impl Rule {
    fn allows(self, who: Who) -> bool {
        match self {
            Rule::Everybody => true,
            Rule::SignedIn => who.signs_in(),
            Rule::Nobody => false,
            Rule::Only(list) => list.contains(&who.as_ruled()),
            Rule::AnnaAlone => who == Administrator,
        }
    }
}

/// The administrator functions act for the caller's acting company: the other company's
/// administrator lists and enters for Transports Rapides SA, never for Musterhans SA.
const ADMINS_OF_THEIR_OWN: Rule = Rule::Only(&[Administrator, OtherAdministrator]);
const MUSTERHANS_ADMIN: Rule = Rule::Only(&[Administrator]);
/// The service pages show what their server functions answer.
const ORDERS: Rule = Rule::Only(&[Employee, Administrator, OtherAdministrator, OtherDebtor]);
const INVOICES: Rule = Rule::Only(&[Administrator, OtherAdministrator, WithoutService]);
const ACTS_FOR_MUSTERHANS: Rule = Rule::Only(&[Employee, Administrator, FormerAdministrator, WithoutService, OtherDebtor]);

struct Row {
    /// The server function's path or the page's route.
    target: &'static str,
    /// What the row calls it with, in words.
    case: &'static str,
    rule: Rule,
    /// For a row whose input names another company's debtor, product or right: who may call
    /// the function with their own, and the code their refusal must name.
    foreign: Option<(Rule, &'static str)>,
}

const fn row(target: &'static str, case: &'static str, rule: Rule) -> Row {
    Row { target, case, rule, foreign: None }
}

/// Nobody may pass an id of a company that is not the acting one: those whom `own` allows
/// with their own ids are refused with `code` (which names the foreign thing), and nothing
/// changes.
const fn foreign(target: &'static str, case: &'static str, own: Rule, code: &'static str) -> Row {
    Row { target, case, rule: Rule::Nobody, foreign: Some((own, code)) }
}

/// Fiduciaire Exemple Sàrl: neither Musterhans SA nor Transports Rapides SA, the companies
/// the actors act for. Its debtor, a right of its own and a product of Transports Rapides
/// are the foreign ids of the matrix.
const FOREIGN_DEBTOR: &str = "Fiduciaire Exemple's debtor";
const FOREIGN_RIGHT: &str = "Fiduciaire Exemple's right";
const FOREIGN_PRODUCT: &str = "Transports Rapides' product";
const FOREIGN_TEMPLATE: &str = "Fiduciaire Exemple's template";

const ROWS: &[Row] = &[
    // Signing in and the login's own account.
    row("/api/sign_in", "a spare login's right password", Rule::Everybody),
    row("/api/sign_out", "", Rule::Everybody),
    row("/api/current_user", "", Rule::Everybody),
    row("/api/signed_in_destination", "", Rule::Everybody),
    row("/api/verify_sign_in_code", "no sign-in half-way", Rule::Nobody),
    row("/api/load_account", "", Rule::SignedIn),
    row("/api/change_password", "own password", Rule::SignedIn),
    row("/api/register", "a new address", Rule::Everybody),
    row("/api/confirm_registration", "a valid link", Rule::Everybody),
    row("/api/request_password_reset", "a spare login", Rule::Everybody),
    row("/api/check_password_link", "a valid link", Rule::Everybody),
    row("/api/reset_password", "a valid link", Rule::Everybody),
    row("/api/request_email_change", "own login", Rule::SignedIn),
    row("/api/confirm_email_change", "a valid link", Rule::Everybody),
    row("/api/remember_language", "", Rule::SignedIn),
    row("/api/start_two_step", "own login", Rule::SignedIn),
    row("/api/confirm_two_step", "own enrolment's code", Rule::SignedIn),
    row("/api/disable_two_step", "own password", Rule::SignedIn),
    // The company selector.
    row("/api/list_company_choices", "", Rule::SignedIn),
    row("/api/select_company", "Musterhans SA", ACTS_FOR_MUSTERHANS),
    row("/api/load_portal_context", "", Rule::SignedIn),
    row("/api/load_own_context", "", Rule::SignedIn),
    // The administrator's side.
    row("/api/list_rights", "acting company", ADMINS_OF_THEIR_OWN),
    row("/api/list_copy_sources", "acting company", ADMINS_OF_THEIR_OWN),
    row("/api/list_audit", "acting company", ADMINS_OF_THEIR_OWN),
    row("/api/set_invitation_lifetime", "21 days for the acting company", ADMINS_OF_THEIR_OWN),
    row("/api/enter_user", "provider, for the acting company", ADMINS_OF_THEIR_OWN),
    row("/api/load_right", "a Musterhans right", MUSTERHANS_ADMIN),
    row("/api/save_grants", "a Musterhans right", MUSTERHANS_ADMIN),
    row("/api/update_right", "a Musterhans right", MUSTERHANS_ADMIN),
    row("/api/end_right", "cancel a Musterhans invitation", MUSTERHANS_ADMIN),
    row("/api/resend_invitation", "a Musterhans invitation", MUSTERHANS_ADMIN),
    row("/api/extend_right", "3 months more for a Musterhans invitation", MUSTERHANS_ADMIN),
    row("/api/decide_request", "a request to Musterhans", MUSTERHANS_ADMIN),
    row("/api/suspend_right", "a provider's active Musterhans right", MUSTERHANS_ADMIN),
    row("/api/resume_right", "a provider's suspended Musterhans right", MUSTERHANS_ADMIN),
    row("/api/load_offboarding", "Conseil Matrice's logins at the acting company", ADMINS_OF_THEIR_OWN),
    row("/api/offboard_provider_company", "a company's one invitation to Musterhans", MUSTERHANS_ADMIN),
    row("/api/load_templates", "acting company", ADMINS_OF_THEIR_OWN),
    row("/api/save_template", "a new template of the acting company", ADMINS_OF_THEIR_OWN),
    row("/api/delete_template", "a Musterhans template", MUSTERHANS_ADMIN),
    // Another company's ids in the input.
    foreign("/api/load_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/update_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/save_grants", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/end_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/resend_invitation", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/extend_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/decide_request", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/suspend_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/resume_right", FOREIGN_RIGHT, ADMINS_OF_THEIR_OWN, "admin.right_not_found"),
    foreign("/api/save_grants", FOREIGN_DEBTOR, MUSTERHANS_ADMIN, "grant.debtor_of_another_company"),
    foreign("/api/enter_user", "grants copied from Fiduciaire Exemple's right", ADMINS_OF_THEIR_OWN, "rights.copy_source_invalid"),
    foreign("/api/enter_user", "grants from Fiduciaire Exemple's template", ADMINS_OF_THEIR_OWN, "rights.template_invalid"),
    foreign("/api/save_template", FOREIGN_TEMPLATE, ADMINS_OF_THEIR_OWN, "admin.template_not_found"),
    foreign("/api/delete_template", FOREIGN_TEMPLATE, ADMINS_OF_THEIR_OWN, "admin.template_not_found"),
    foreign("/api/place_order", FOREIGN_DEBTOR, Rule::Only(&[Employee, Administrator]), "service.debtor_not_granted"),
    foreign("/api/place_order", FOREIGN_PRODUCT, Rule::Only(&[Employee, Administrator]), "order.unknown_product"),
    // The provider's side and messages.
    row("/api/request_access", "ask Agence Matrice", Rule::SignedIn),
    row("/api/answer_right", "refuse own invitation", Rule::SignedIn),
    row("/api/answer_right", "accept another login's invitation", Rule::Nobody),
    row("/api/load_invitation", "a Musterhans employee's right", Rule::Nobody),
    row("/api/list_messages", "own messages", Rule::SignedIn),
    row("/api/open_message", "a message to Musterhans' admin", Rule::AnnaAlone),
    // Working for the acting company.
    row("/api/load_orders", "acting company", ORDERS),
    row("/api/place_order", "Musterhans debtor 100002", Rule::Only(&[Employee, Administrator])),
    row("/api/load_invoices", "acting company", INVOICES),
    // Pages that render data (GET, server-side rendered).
    row("/select-company", "", Rule::SignedIn),
    row("/portal", "", Rule::SignedIn),
    row("/account", "", Rule::SignedIn),
    row("/messages", "", Rule::SignedIn),
    row("/messages/:id", "a message to Musterhans' admin", Rule::AnnaAlone),
    row("/invitations/:id", "a Musterhans employee's right", Rule::Nobody),
    row("/admin/rights", "acting company", ADMINS_OF_THEIR_OWN),
    row("/admin/audit", "acting company", ADMINS_OF_THEIR_OWN),
    row("/admin/rights/new", "acting company", ADMINS_OF_THEIR_OWN),
    row("/admin/rights/templates", "acting company", ADMINS_OF_THEIR_OWN),
    row("/admin/rights/:id", "a Musterhans right", MUSTERHANS_ADMIN),
    row("/admin/rights/:id/services", "a Musterhans right", MUSTERHANS_ADMIN),
    row("/admin/rights/providers/:id", "Conseil Matrice's logins at the acting company", ADMINS_OF_THEIR_OWN),
    row("/services/orders", "acting company", ORDERS),
    row("/services/invoices", "acting company", INVOICES),
    // The routes of axum itself.
    row("/healthz", "", Rule::Everybody),
    row(server::api::PATH, "Musterhans' administrator, orders", Rule::Only(&[Technical])),
];

/// The server functions that act for the caller's acting company.
const ACTING_FUNCTIONS: &[&str] = &[
    "/api/load_portal_context",
    "/api/list_rights",
    "/api/list_copy_sources",
    "/api/list_audit",
    "/api/set_invitation_lifetime",
    "/api/enter_user",
    "/api/load_right",
    "/api/save_grants",
    "/api/update_right",
    "/api/end_right",
    "/api/resend_invitation",
    "/api/extend_right",
    "/api/decide_request",
    "/api/suspend_right",
    "/api/resume_right",
    "/api/load_offboarding",
    "/api/offboard_provider_company",
    "/api/load_templates",
    "/api/save_template",
    "/api/delete_template",
    "/api/load_orders",
    "/api/place_order",
    "/api/load_invoices",
];

impl Row {
    /// Asked with GET: the pages and axum's own routes (the origin check concerns the others).
    fn is_get(&self) -> bool {
        !self.target.starts_with("/api/") || self.target == server::api::PATH
    }

    /// Needs the acting company: every signed-in page but the company choice and the
    /// login's own invitation (the header names the acting company), and the functions that
    /// act for it.
    fn needs_acting(&self) -> bool {
        let page = !self.target.starts_with("/api/") && !matches!(self.target, "/healthz" | "/select-company" | "/invitations/:id");
        page || ACTING_FUNCTIONS.contains(&self.target)
    }

    /// Needs the acting company when `who` calls it: a login of no company has its own pages
    /// without one (its account, where it asks a company for access, and its messages).
    fn needs_acting_for(&self, who: Who) -> bool {
        self.needs_acting() && !(who == CompanyLess && matches!(self.target, "/account" | "/messages" | "/messages/:id"))
    }

    /// What `who` must get.
    fn expected(&self, who: Who) -> Seen {
        let allowed = match who {
            CrossSite => self.is_get() && self.rule.allows(Administrator),
            who if who.right_ended() && self.needs_acting_for(who) => false,
            who => self.rule.allows(who),
        };
        if allowed {
            Seen::Allow
        } else {
            Seen::Deny
        }
    }

    /// A deny is counted as the promised one only when it is for the reason the actor's
    /// column stands for.
    fn denied_for_the_right_reason(&self, who: Who, answer: &Answer) -> bool {
        match who {
            CrossSite if !self.is_get() => answer.status == 403 && answer.body.contains(server::auth::CSRF_REJECTED),
            who if who.right_ended() && self.needs_acting_for(who) && self.target.starts_with("/api/") => {
                answer.status == 409 && answer.body.contains("acting_company.none")
            }
            who if self.foreign.is_some_and(|(own, _)| own.allows(who)) => self.foreign.is_some_and(|(_, code)| answer.body.contains(code)),
            // A page resolves the acting company once for its data and its header, and sends
            // the browser to the company choice with the sentence that says why.
            who if who.right_ended() && self.needs_acting_for(who) => answer.location() == Some("/select-company?motif=droit"),
            _ => true,
        }
    }
}

/// Pages that show no data of anybody: forms whose every action is a server function of
/// the matrix, and the token pages, whose tokens are checked by those functions.
const FORM_PAGES: &[&str] = &["/", "/login", "/login/code", "/register", "/register/confirm", "/password/forgot", "/password/reset", "/email/confirm"];

/// The world every cell is called in.
struct World {
    app: TestApp,
    home: Company,
    /// The company whose invitations the actors answer, and its administrator.
    inviter: Company,
    inviter_admin: i64,
    /// The Musterhans right of Sophie Keller, which only Musterhans' administrator may see.
    staff_right: UserRight,
    admin_message: i64,
    api_key: String,
    sessions: Vec<(Who, String)>,
    /// Fiduciaire Exemple's debtor, and Paul's right there.
    foreign_debtor: i64,
    foreign_right: UserRight,
    /// A contract product of Transports Rapides SA.
    foreign_product: i64,
    /// A permission template of Fiduciaire Exemple.
    foreign_template: i64,
}

fn musterhans_by(app: &TestApp) -> StoreActor {
    StoreActor::user(app.demo.admin.id, app.demo.principal.id)
}

fn service(app: &TestApp, code: &str) -> i64 {
    app.demo.services.iter().find(|s| s.code == code).unwrap().id
}

/// A new permission template of `company`: all debtors of its first service.
async fn template(app: &TestApp, company: i64, name: &str) -> i64 {
    let service_id = match app.store.company_services(company).await.unwrap().first() {
        Some(s) => s.id,
        None => {
            let orders = service(app, "orders");
            app.store.subscribe_service(company, orders).await.unwrap();
            orders
        }
    };
    let name = portal_core::domain::TemplateName::parse(name).unwrap();
    let grants = [portal_core::store::GrantSpec { service_id, all_debtors: true, debtor_ids: vec![] }];
    app.store.save_grant_template(company, None, &name, &grants, &StoreActor::system()).await.unwrap().id
}

fn spare_email() -> String {
    format!("spare{}@conseil-matrice.example", SPARE.fetch_add(1, Ordering::Relaxed))
}

/// The newest e-mail to `to`, waiting for the background sender to write it.
async fn link_token(app: &TestApp, to: &str, path: &str) -> String {
    for _ in 0..100 {
        let mails = app.store.outbox(false).await.unwrap();
        if let Some(mail) = mails.into_iter().rev().find(|m| m.to_address == to && m.body.contains(&format!("{path}?token="))) {
            let start = mail.body.find(&format!("{path}?token=")).unwrap() + path.len() + "?token=".len();
            return mail.body[start..].split_whitespace().next().unwrap().to_string();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
    panic!("no {path} link to {to}");
}

impl World {
    async fn build(app: TestApp) -> World {
        // The company the actors ask for access ("Demander un accès prestataire").
        let agency = new_company(&app, AGENCY_NUMBER, "Agence Matrice SA").await;
        let agency_admin = new_login(&app, "chef@agence-matrice.example", &agency).await;
        employee_right(&app, &agency, agency_admin, true).await;
        let inviter = new_company(&app, "60000006", "Bureau Matrice SA").await;
        let inviter_admin = new_login(&app, "chef@bureau-matrice.example", &inviter).await;
        employee_right(&app, &inviter, inviter_admin, true).await;
        let home = new_company(&app, "50000005", "Conseil Matrice Sàrl").await;
        let home_admin = new_login(&app, "chef@conseil-matrice.example", &home).await;
        employee_right(&app, &home, home_admin, true).await;

        let by_admin = musterhans_by(&app);
        let principal = app.demo.principal.id;
        let admin = app.demo.admin.id;
        let today = app.store.today();
        for who in [Pending, Suspended, Refused, Revoked, Expired, Resigned, WithoutService, OtherDebtor] {
            let email = who.email().unwrap();
            let user_id = new_login(&app, &email, &home).await;
            employee_right(&app, &home, user_id, false).await;
            let as_provider = StoreActor::user(user_id, home.id);
            let end_date = (who == Expired).then_some(today);
            let invited = invitation(&app, principal, admin, user_id, end_date).await;
            match who {
                Pending => {}
                Suspended => {
                    let active = step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
                    step(&app, active, Transition::Suspend, Party::Principal, by_admin).await;
                }
                Refused => {
                    step(&app, invited, Transition::Refuse, Party::Provider, as_provider).await;
                }
                Revoked => {
                    let active = step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
                    step(&app, active, Transition::Revoke, Party::Principal, by_admin).await;
                }
                Expired => {
                    step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
                }
                Resigned => {
                    let active = step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
                    step(&app, active, Transition::Resign, Party::Provider, as_provider).await;
                }
                WithoutService | OtherDebtor => {
                    let active = step(&app, invited, Transition::Accept, Party::Provider, as_provider).await;
                    let grant = if who == WithoutService {
                        GrantSpec { service_id: service(&app, "invoices"), all_debtors: true, debtor_ids: vec![] }
                    } else {
                        GrantSpec { service_id: service(&app, "orders"), all_debtors: false, debtor_ids: vec![app.demo.debtors[0].id] }
                    };
                    app.store.replace_service_grants(active.id, &[grant], &by_admin).await.unwrap();
                }
                _ => unreachable!(),
            }
        }
        let expired = app.store.expire_rights(today + chrono::Duration::days(1)).await.unwrap();
        assert_eq!(expired.len(), 1, "exactly the Expired actor's right ends");

        // Two more administrators of Musterhans: one whose right ends today, with the grants of
        // Musterhans' administrator, and one who loses the flag once signed in (below).
        let musterhans = app.store.company(principal).await.unwrap();
        let anna_right = app.store.right_for(principal, admin).await.unwrap().unwrap();
        let anna_grants: Vec<GrantSpec> = app
            .store
            .service_grants(anna_right.id)
            .await
            .unwrap()
            .into_iter()
            .map(|g| GrantSpec { service_id: g.service_id, all_debtors: g.all_debtors, debtor_ids: g.debtor_ids })
            .collect();
        let mut admins = Vec::new();
        for email in [LAST_DAY_ADMIN, FORMER_ADMIN] {
            let user_id = new_login(&app, email, &musterhans).await;
            employee_right(&app, &musterhans, user_id, true).await;
            admins.push(user_id);
        }
        let last_day = app.store.right_for(principal, admins[0]).await.unwrap().unwrap();
        app.store.replace_service_grants(last_day.id, &anna_grants, &by_admin).await.unwrap();
        let last_day = app.store.right(last_day.id).await.unwrap();
        let ends_today = RightChanges { is_admin: true, remark: Remark::default(), end_date: Some(today) };
        app.store.update_right(last_day.id, last_day.version, &ends_today, &by_admin).await.unwrap();
        // A login of no company (a freelance who registered), with no right anywhere.
        new_login_of_no_company(&app, &CompanyLess.email().unwrap()).await;

        let sophie = app.demo.employees[1].id;
        let staff_right = app.store.right_for(principal, sophie).await.unwrap().unwrap();

        let admin_cookie = app.signed_in_cookie(ADMIN).await;
        let (_, api_key) = app.enter_technical_user(&admin_cookie, "Robot Matrice").await;

        let fiduciaire = app.demo.provider_company.id;
        let foreign_debtor = app.store.debtors(fiduciaire).await.unwrap().first().expect("Fiduciaire Exemple's debtor").id;
        let foreign_right = app.store.right_for(fiduciaire, app.demo.provider.id).await.unwrap().expect("Paul's right at Fiduciaire Exemple");
        let foreign_product = app.store.products(app.demo.third_company.id, false).await.unwrap().first().expect("a product of Transports Rapides").id;
        let foreign_template = template(&app, fiduciaire, "Fiduciaire").await;

        let mut world = World {
            app,
            home,
            inviter,
            inviter_admin,
            staff_right,
            admin_message: 0,
            api_key,
            sessions: vec![],
            foreign_debtor,
            foreign_right,
            foreign_product,
            foreign_template,
        };
        // Conseil Matrice's logins hold rights on both companies the administrators act for:
        // each may preview their offboarding from their own.
        let (_, invitee) = world.spare_id().await;
        invitation(&world.app, world.app.demo.third_company.id, world.app.demo.third_admin.id, invitee, None).await;
        // A request to Musterhans: a message to its administrator.
        let requester = world.spare_login().await;
        let cookie = world.app.signed_in_cookie(&requester).await;
        let asked = world.app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "")], Some(&cookie)).await;
        assert_eq!(asked.status, 200, "{asked:?}");
        world.admin_message = world.app.store.messages_for(admin).await.unwrap().first().expect("the request's message").id;

        for who in ACTORS {
            if who.signs_in() {
                let cookie = world.session_of(who).await;
                world.sessions.push((who, cookie));
            }
        }
        // The former administrator chose Musterhans as its administrator; the flag goes while
        // that session lasts, and its next request must know it.
        let former = world.user_id(FormerAdministrator).await.unwrap();
        let right = world.app.store.right_for(principal, former).await.unwrap().unwrap();
        let demoted = RightChanges { is_admin: false, remark: Remark::default(), end_date: None };
        world.app.store.update_right(right.id, right.version, &demoted, &musterhans_by(&world.app)).await.unwrap();
        world
    }

    /// A new login (at the providers' home company) with the demo password.
    async fn spare_login(&self) -> String {
        let email = spare_email();
        let user_id = new_login(&self.app, &email, &self.home).await;
        employee_right(&self.app, &self.home, user_id, false).await;
        email
    }

    async fn spare_id(&self) -> (String, i64) {
        let email = self.spare_login().await;
        let user = self.app.store.user_by_email(&EmailAddress::parse(&email).unwrap()).await.unwrap().unwrap();
        (email, user.id)
    }

    /// Signs `who` in and, where the login may, chooses Musterhans SA.
    async fn session_of(&self, who: Who) -> String {
        let cookie = self.app.signed_in_cookie(&who.email().unwrap()).await;
        if ACTS_FOR_MUSTERHANS.allows(who) || who == CrossSite {
            let chosen = self.app.post("/api/select_company", &[("company_id", &self.app.demo.principal.id.to_string())], Some(&cookie)).await;
            assert!(chosen.status < 400, "{who:?} acts for Musterhans: {chosen:?}");
            return chosen.session_cookie().expect("choosing a company gives the session a new id");
        }
        cookie
    }

    /// Makes Musterhans the acting company of `cookie`'s session, as if it had been chosen
    /// while the right was active.
    async fn act_for_musterhans(&self, cookie: &str) {
        set_acting_company(&self.app, cookie, self.app.demo.principal.id).await;
    }

    fn cookie(&self, who: Who) -> Option<String> {
        self.sessions.iter().find(|(w, _)| *w == who).map(|(_, c)| c.clone())
    }

    async fn user_id(&self, who: Who) -> Option<i64> {
        let email = who.email()?;
        Some(self.app.store.user_by_email(&EmailAddress::parse(&email).unwrap()).await.unwrap().unwrap().id)
    }

    fn request(&self, method: reqwest::Method, path: &str, cookie: Option<&str>, who: Who) -> reqwest::RequestBuilder {
        let origin = if who == CrossSite { OTHER_SITE } else { self.app.base.as_str() };
        let mut request = self.app.client.request(method, format!("{}{path}", self.app.base)).header("origin", origin);
        if let Some(c) = cookie {
            request = request.header("cookie", format!("portal_session={c}"));
        }
        if who == Technical {
            request = request.header("authorization", format!("Bearer {}", self.api_key)).header("x-api-key", &self.api_key);
        }
        request
    }

    async fn post(&self, who: Who, cookie: Option<&str>, path: &str, form: &[(&str, String)]) -> Answer {
        read(self.request(reqwest::Method::POST, path, cookie, who).form(form).send().await.unwrap()).await
    }

    /// [`Self::post`] with fields named at run time (the authorizations form's).
    async fn post_fields(&self, who: Who, cookie: Option<&str>, path: &str, fields: &[(String, String)]) -> Answer {
        read(self.request(reqwest::Method::POST, path, cookie, who).form(fields).send().await.unwrap()).await
    }

    /// A page, as a browser asks for it (a refusal to a browser is a redirect or an error page).
    async fn get(&self, who: Who, cookie: Option<&str>, path: &str) -> Answer {
        read(self.request(reqwest::Method::GET, path, cookie, who).header("accept", "text/html").send().await.unwrap()).await
    }

    async fn fresh_invitation_of_musterhans(&self) -> UserRight {
        let (_, user_id) = self.spare_id().await;
        invitation(&self.app, self.app.demo.principal.id, self.app.demo.admin.id, user_id, None).await
    }

    /// Calls `row` as `who`, with input prepared for this one call.
    async fn call(&self, row: &Row, who: Who) -> Answer {
        let app = &self.app;
        // These give the session a new id (or end it): they get one of their own.
        // The other site's column shares the administrator's login, whose calls in its own
        // column end its other sessions (a password change): it signs in for every cell.
        let fresh = matches!(row.target, "/api/sign_out" | "/api/sign_in" | "/api/select_company" | "/api/confirm_two_step") || who == CrossSite;
        let cookie = if fresh && who.signs_in() { Some(self.session_of(who).await) } else { self.cookie(who) };
        if let (true, Some(c)) = (who.right_ended(), &cookie) {
            self.act_for_musterhans(c).await;
        }
        let cookie = cookie.as_deref();
        let s = |v: &str| v.to_string();
        let id = |v: i64| v.to_string();
        let staff = &self.staff_right;
        match (row.target, row.case) {
            ("/api/sign_in", _) => {
                let email = self.spare_login().await;
                self.post(who, cookie, row.target, &[("email", email), ("password", s(PASSWORD))]).await
            }
            ("/api/change_password", _) => {
                let user_id = self.user_id(who).await;
                let before = match user_id {
                    Some(u) => app.store.credentials(u).await.unwrap().password_hash,
                    None => None,
                };
                let answer = self.post(who, cookie, row.target, &[("current", s(PASSWORD)), ("new", s(NEW_PASSWORD)), ("confirm", s(NEW_PASSWORD))]).await;
                if let (Some(u), Some(hash)) = (user_id, before) {
                    app.store.set_password_hash(u, &hash).await.unwrap();
                }
                answer
            }
            ("/api/register", _) => {
                let form = [
                    ("email", spare_email()),
                    ("first_name", s("Nina")),
                    ("last_name", s("Neuhaus")),
                    ("password", s(NEW_PASSWORD)),
                    ("confirm", s(NEW_PASSWORD)),
                    ("language", s("fr")),
                ];
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/confirm_registration", _) => {
                let email = spare_email();
                let form = [
                    ("email", email.clone()),
                    ("first_name", s("Nina")),
                    ("last_name", s("Neuhaus")),
                    ("password", s(NEW_PASSWORD)),
                    ("confirm", s(NEW_PASSWORD)),
                    ("language", s("fr")),
                ];
                let registered = app.post("/api/register", &form.iter().map(|(k, v)| (*k, v.as_str())).collect::<Vec<_>>(), None).await;
                assert_eq!(registered.status, 200, "{registered:?}");
                let token = link_token(app, &email, "/register/confirm").await;
                self.post(who, cookie, row.target, &[("token", token), ("password", s(NEW_PASSWORD))]).await
            }
            ("/api/request_password_reset", _) => {
                let email = self.spare_login().await;
                self.post(who, cookie, row.target, &[("email", email)]).await
            }
            ("/api/check_password_link", _) | ("/api/reset_password", _) => {
                let email = self.spare_login().await;
                let asked = app.post("/api/request_password_reset", &[("email", &email)], None).await;
                assert_eq!(asked.status, 200, "{asked:?}");
                let token = link_token(app, &email, "/password/reset").await;
                if row.target == "/api/check_password_link" {
                    self.post(who, cookie, row.target, &[("token", token)]).await
                } else {
                    self.post(who, cookie, row.target, &[("token", token), ("password", s(NEW_PASSWORD)), ("confirm", s(NEW_PASSWORD))]).await
                }
            }
            ("/api/request_email_change", _) => self.post(who, cookie, row.target, &[("new_email", spare_email()), ("password", s(PASSWORD))]).await,
            ("/api/confirm_email_change", _) => {
                let email = self.spare_login().await;
                let spare_cookie = app.signed_in_cookie(&email).await;
                let new_email = spare_email();
                let asked = app.post("/api/request_email_change", &[("new_email", &new_email), ("password", PASSWORD)], Some(&spare_cookie)).await;
                assert_eq!(asked.status, 200, "{asked:?}");
                let token = link_token(app, &new_email, "/email/confirm").await;
                self.post(who, cookie, row.target, &[("token", token)]).await
            }
            ("/api/remember_language", _) => self.post(who, cookie, row.target, &[("language", s("fr"))]).await,
            ("/api/confirm_two_step", _) => {
                let started = self.post(who, cookie, "/api/start_two_step", &[("password", s(PASSWORD))]).await;
                let code = if started.status == 200 { code_at(json_of(&started)["secret"].as_str().unwrap(), now()).unwrap() } else { "000000".into() };
                let answer = self.post(who, cookie, row.target, &[("code", code)]).await;
                if let Some(u) = self.user_id(who).await {
                    let user = app.store.user(u).await.unwrap();
                    app.store.turn_two_step_off(&user).await.unwrap();
                }
                answer
            }
            ("/api/disable_two_step", _) | ("/api/start_two_step", _) => self.post(who, cookie, row.target, &[("password", s(PASSWORD))]).await,
            ("/api/verify_sign_in_code", _) => self.post(who, cookie, row.target, &[("code", s("123456"))]).await,
            ("/api/select_company", _) => self.post(who, cookie, row.target, &[("company_id", id(app.demo.principal.id))]).await,
            ("/api/list_rights", _) => {
                let form = [("search", s("")), ("sort", s("name")), ("descending", s("false")), ("page", s("1"))];
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/list_audit", _) => self.post(who, cookie, row.target, &[("page", s("1"))]).await,
            ("/api/enter_user", case) if case.contains("template") => {
                let form = [
                    ("right_type", s("provider")),
                    ("email", self.spare_login().await),
                    ("first_name", s("")),
                    ("last_name", s("")),
                    ("name", s("")),
                    ("remark", s("")),
                    ("assignment", s("template")),
                    ("template", id(self.foreign_template)),
                ];
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/load_templates", _) => self.post(who, cookie, row.target, &[]).await,
            ("/api/save_template", case) => {
                let template_id = if case == FOREIGN_TEMPLATE { self.foreign_template } else { 0 };
                let name = format!("Matrice {}", SPARE.fetch_add(1, Ordering::Relaxed));
                let mut fields = vec![("template_id".to_string(), template_id.to_string()), ("name".to_string(), name)];
                fields.extend(grants_form(&[(service(app, "orders"), None)]));
                self.post_fields(who, cookie, row.target, &fields).await
            }
            ("/api/delete_template", case) => {
                let template_id = if case == FOREIGN_TEMPLATE {
                    self.foreign_template
                } else {
                    template(app, app.demo.principal.id, &format!("Matrice {}", SPARE.fetch_add(1, Ordering::Relaxed))).await
                };
                self.post(who, cookie, row.target, &[("template_id", id(template_id))]).await
            }
            ("/api/enter_user", case) => {
                let copied = case.contains("copied");
                let mut form = vec![
                    ("right_type", s("provider")),
                    ("email", self.spare_login().await),
                    ("first_name", s("")),
                    ("last_name", s("")),
                    ("name", s("")),
                    ("remark", s("")),
                    ("assignment", s(if copied { "copy" } else { "manual" })),
                ];
                if copied {
                    form.push(("copy_from", id(self.foreign_right.id)));
                }
                self.post(who, cookie, row.target, &form).await
            }
            (_, FOREIGN_RIGHT) => {
                let right = &self.foreign_right;
                if row.target == "/api/save_grants" {
                    let mut fields = vec![("right_id".to_string(), right.id.to_string())];
                    fields.extend(grants_form(&[(service(app, "invoices"), None)]));
                    return self.post_fields(who, cookie, row.target, &fields).await;
                }
                let form = match row.target {
                    "/api/update_right" => vec![("right_id", id(right.id)), ("version", id(right.version)), ("remark", s("Matrice")), ("end_date", s(""))],
                    "/api/end_right" => vec![("right_id", id(right.id)), ("version", id(right.version)), ("how", s("revoke"))],
                    "/api/decide_request" => vec![("right_id", id(right.id)), ("version", id(right.version)), ("approve", s("false"))],
                    "/api/extend_right" => vec![("right_id", id(right.id)), ("version", id(right.version)), ("months", s("3"))],
                    "/api/suspend_right" | "/api/resume_right" => {
                        vec![("right_id", id(right.id)), ("version", id(right.version))]
                    }
                    _ => vec![("right_id", id(right.id))],
                };
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/save_grants", FOREIGN_DEBTOR) => {
                let mut fields = vec![("right_id".to_string(), staff.id.to_string())];
                fields.extend(grants_form(&[(service(app, "invoices"), Some(vec![app.demo.debtors[0].id, self.foreign_debtor]))]));
                self.post_fields(who, cookie, row.target, &fields).await
            }
            ("/api/place_order", FOREIGN_DEBTOR | FOREIGN_PRODUCT) => {
                let (debtor, product) =
                    if row.case == FOREIGN_DEBTOR { (self.foreign_debtor, app.demo.products[0].id) } else { (app.demo.debtors[1].id, self.foreign_product) };
                let line = format!("quantities[{product}]");
                let form = [("debtor_id", id(debtor)), ("reference", s("Matrice")), (line.as_str(), s("1"))];
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/load_right", _) | ("/api/resend_invitation", _) => {
                let right = if row.target == "/api/load_right" { staff.id } else { self.fresh_invitation_of_musterhans().await.id };
                self.post(who, cookie, row.target, &[("right_id", id(right))]).await
            }
            ("/api/save_grants", _) => {
                let mut fields = vec![("right_id".to_string(), staff.id.to_string())];
                fields.extend(grants_form(&[(service(app, "invoices"), Some(vec![app.demo.debtors[0].id, app.demo.debtors[1].id]))]));
                self.post_fields(who, cookie, row.target, &fields).await
            }
            ("/api/update_right", _) => {
                let current = app.store.right(staff.id).await.unwrap();
                let form = [("right_id", id(staff.id)), ("version", id(current.version)), ("remark", s("Matrice")), ("end_date", s(""))];
                self.post(who, cookie, row.target, &form).await
            }
            ("/api/extend_right", _) => {
                let (_, user_id) = self.spare_id().await;
                let end = app.store.today() + chrono::Duration::days(20);
                let right = invitation(app, app.demo.principal.id, app.demo.admin.id, user_id, Some(end)).await;
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version)), ("months", s("3"))]).await
            }
            ("/api/suspend_right", _) | ("/api/resume_right", _) => {
                let invited = self.fresh_invitation_of_musterhans().await;
                let as_provider = StoreActor::user(invited.user_id, self.home.id);
                let mut right = step(app, invited, Transition::Accept, Party::Provider, as_provider).await;
                if row.target == "/api/resume_right" {
                    right = step(app, right, Transition::Suspend, Party::Principal, musterhans_by(app)).await;
                }
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version))]).await
            }
            ("/api/end_right", _) => {
                let right = self.fresh_invitation_of_musterhans().await;
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version)), ("how", s("cancel"))]).await
            }
            ("/api/decide_request", _) => {
                let email = self.spare_login().await;
                let spare_cookie = app.signed_in_cookie(&email).await;
                let asked = app.post("/api/request_access", &[("customer_number", "10000001"), ("message", "")], Some(&spare_cookie)).await;
                assert_eq!(asked.status, 200, "{asked:?}");
                let user = app.store.user_by_email(&EmailAddress::parse(&email).unwrap()).await.unwrap().unwrap();
                let right = app.store.right_for(app.demo.principal.id, user.id).await.unwrap().unwrap();
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version)), ("approve", s("false"))]).await
            }
            ("/api/set_invitation_lifetime", _) => self.post(who, cookie, row.target, &[("days", s("21"))]).await,
            ("/api/load_offboarding", _) => self.post(who, cookie, row.target, &[("provider_company_id", id(self.home.id))]).await,
            ("/api/offboard_provider_company", _) => {
                // A company of its own for each call: offboarding Conseil Matrice would end
                // the rights the other columns stand for.
                let n = SPARE.fetch_add(1, Ordering::Relaxed);
                let company = new_company(app, &format!("{}", 70_000_000 + n), &format!("Prestataire Matrice {n}")).await;
                let user_id = new_login(app, &format!("offboarded{n}@prestataire-matrice.example"), &company).await;
                let right = invitation(app, app.demo.principal.id, app.demo.admin.id, user_id, None).await;
                let previewed = format!("{}.{}", right.id, right.version);
                self.post(who, cookie, row.target, &[("provider_company_id", id(company.id)), ("previewed", previewed)]).await
            }
            ("/api/request_access", _) => self.post(who, cookie, row.target, &[("customer_number", s(AGENCY_NUMBER)), ("message", s(""))]).await,
            ("/api/answer_right", "refuse own invitation") => {
                // The administrator's own invitation was answered in its column already.
                let invitee = match self.user_id(who).await {
                    Some(u) if who != CrossSite => u,
                    _ => self.spare_id().await.1,
                };
                let right = invitation(app, self.inviter.id, self.inviter_admin, invitee, None).await;
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version)), ("answer", s("refuse"))]).await
            }
            ("/api/answer_right", _) => {
                let (_, other) = self.spare_id().await;
                let right = invitation(app, self.inviter.id, self.inviter_admin, other, None).await;
                self.post(who, cookie, row.target, &[("right_id", id(right.id)), ("version", id(right.version)), ("answer", s("accept"))]).await
            }
            ("/api/load_invitation", _) => self.post(who, cookie, row.target, &[("right_id", id(staff.id))]).await,
            ("/api/open_message", _) => self.post(who, cookie, row.target, &[("message_id", id(self.admin_message))]).await,
            ("/api/place_order", _) => {
                let line = format!("quantities[{}]", app.demo.products[0].id);
                let form = [("debtor_id", id(app.demo.debtors[1].id)), ("reference", s("Matrice")), (line.as_str(), s("1"))];
                self.post(who, cookie, row.target, &form).await
            }
            ("/healthz", _) => read(self.request(reqwest::Method::GET, "/healthz", cookie, who).send().await.unwrap()).await,
            (server::api::PATH, _) => {
                let question = format!("{}?user={ADMIN}&service=orders", server::api::PATH);
                read(self.request(reqwest::Method::GET, &question, cookie, who).send().await.unwrap()).await
            }
            (path, _) if path.starts_with("/api/") => self.post(who, cookie, path, &[]).await,
            (page, _) => {
                let page = page.replace("/providers/:id", &format!("/providers/{}", self.home.id));
                let page = page.replace("/messages/:id", &format!("/messages/{}", self.admin_message)).replace(":id", &staff.id.to_string());
                self.get(who, cookie, &page).await
            }
        }
    }
}

fn now() -> u64 {
    std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).unwrap().as_secs()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Seen {
    Allow,
    Deny,
    /// A deny, but not for the reason the actor's column stands for.
    WrongReason,
    /// Neither: a 5xx, a 400 (the cell's input was wrong) or an unexpected redirect.
    Broken,
}

/// What `answer` is for `row`: a 400 that names the foreign id of a foreign row is its deny.
fn seen_for(row: &Row, answer: &Answer) -> Seen {
    match row.foreign {
        Some((_, code)) if answer.status == 400 && answer.body.contains(code) => Seen::Deny,
        _ => seen(answer),
    }
}

fn seen(answer: &Answer) -> Seen {
    match answer.status {
        200..=299 => Seen::Allow,
        401 | 403 | 404 | 409 => Seen::Deny,
        // A page sends a visitor without the right to the sign-in or to the company choice.
        302 | 303 | 307 => match answer.location() {
            Some(l) if l.starts_with("/login") || l.starts_with("/select-company") => Seen::Deny,
            _ => Seen::Broken,
        },
        _ => Seen::Broken,
    }
}

/// Every `#[server]` function the application registers, and every route it renders.
fn registered_targets() -> (BTreeSet<String>, BTreeSet<String>) {
    let functions = leptos::server_fn::axum::server_fn_paths().map(|(path, _)| path.to_string()).collect();
    // axum writes parameters as `{id}`; the rows use the router's `:id`.
    let routes = leptos_axum::generate_route_list(app::App).iter().map(|r| r.path().replace('{', ":").replace('}', "")).collect();
    (functions, routes)
}

/// Every call of the matrix comes from one client address: its limit per address is raised so
/// that each call is judged by its rule, not by how many came before it.
fn one_address_for_every_actor() -> Options {
    let auth = app::shared::context::AuthSettings { max_requests_per_address: 10_000, ..Default::default() };
    Options { security: server::auth::Security { auth, ..Default::default() }, ..Default::default() }
}

on_both_backends!(every_server_function_and_page_answers_each_kind_of_actor_as_promised, one_address_for_every_actor(), |app: TestApp| async move {
    let backend = app.store.backend_name();
    let (functions, routes) = registered_targets();
    let covered: BTreeSet<&str> = ROWS.iter().map(|r| r.target).collect();
    let missing_axum: Vec<&&str> = server::http::AXUM_ROUTES.iter().filter(|r| !covered.contains(*r)).collect();
    assert!(missing_axum.is_empty(), "every route of axum needs a row in the access matrix: missing {missing_axum:?}");
    let missing_functions: Vec<&String> = functions.iter().filter(|f| !covered.contains(f.as_str())).collect();
    let missing_routes: Vec<&String> = routes.iter().filter(|r| !covered.contains(r.as_str()) && !FORM_PAGES.contains(&r.as_str())).collect();
    assert!(
        missing_functions.is_empty() && missing_routes.is_empty(),
        "every server function and data page needs a row in the access matrix: missing functions {missing_functions:?}, pages {missing_routes:?}"
    );
    assert!(functions.len() >= 30 && routes.len() >= 15, "the registries were read: {} functions, {} routes", functions.len(), routes.len());

    let world = World::build(app).await;
    let mut table = String::new();
    let mut wrong = Vec::new();
    let mut leaks = Vec::new();
    let width = ROWS.iter().map(|r| r.target.len() + r.case.len() + 3).max().unwrap();
    write!(table, "{:width$}", "").unwrap();
    for who in ACTORS {
        write!(table, " {:>8}", who.column()).unwrap();
    }
    table.push('\n');
    let (mut allowed, mut denied) = (0, 0);
    for row in ROWS {
        let label = if row.case.is_empty() { row.target.to_string() } else { format!("{} ({})", row.target, row.case) };
        write!(table, "{label:width$}").unwrap();
        for who in ACTORS {
            if std::env::var("MATRIX_TRACE").is_ok() {
                eprintln!("cell {label} as {who:?}");
            }
            let answer = world.call(row, who).await;
            let expected = row.expected(who);
            let got = match seen_for(row, &answer) {
                Seen::Deny if !row.denied_for_the_right_reason(who, &answer) => Seen::WrongReason,
                other => other,
            };
            let cell = match got {
                Seen::Allow => "allow",
                Seen::Deny => "deny",
                Seen::WrongReason => "deny?",
                Seen::Broken => "ERROR",
            };
            let mark = if got == expected { ' ' } else { '✗' };
            write!(table, " {cell:>7}{mark}").unwrap();
            match got {
                Seen::Allow => allowed += 1,
                Seen::Deny => denied += 1,
                Seen::WrongReason | Seen::Broken => {}
            }
            if got != expected {
                let body: String = answer.body.chars().take(300).collect();
                wrong.push(format!("{label} as {who:?}: expected {expected:?}, got {} {:?} {body}", answer.status, answer.location()));
            }
            if got == Seen::Allow && !matches!(who.as_ruled(), Administrator | CrossSite) && answer.body.contains(STAFF_MARKER) {
                leaks.push(format!("{label} as {who:?}"));
            }
        }
        table.push('\n');
    }
    println!("\naccess matrix on {backend}: {} rows × {} actors, {allowed} allow, {denied} deny, {} differ\n{table}", ROWS.len(), ACTORS.len(), wrong.len());
    for who in ACTORS {
        println!("  {:>8}  {}", who.column(), who.legend());
    }
    assert!(
        wrong.is_empty() && leaks.is_empty(),
        "{} cells differ from the promise:\n{}\nMusterhans staff data reached: {leaks:?}",
        wrong.len(),
        wrong.join("\n")
    );
});

on_both_backends!(a_technical_users_api_key_opens_no_session, Options::default(), |app: TestApp| async move {
    let world = World::build(app).await;
    let users = world.app.store.users_of_company(world.app.demo.principal.id).await.unwrap();
    let robot = users.iter().find(|u| u.email.as_str().starts_with("technique.")).expect("the technical user's login");
    let form = [("email", robot.email.as_str().to_string()), ("password", world.api_key.clone())];
    let answer = world.post(Technical, None, "/api/sign_in", &form).await;
    assert_eq!(seen(&answer), Seen::Deny, "{answer:?}");
    assert!(answer.session_cookie().is_none(), "{answer:?}");
    let who = world.post(Technical, None, "/api/current_user", &[]).await;
    assert_eq!(who.body, "null", "the key alone is nobody: {who:?}");
});
