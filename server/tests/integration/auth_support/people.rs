//! The people and companies a test adds to the demo data, straight through the store.

use chrono::NaiveDate;
use portal_core::domain::{CustomerNumber, EmailAddress, Language, Party, PersonName, Remark, RightOrigin, RightType, Transition};
use portal_core::store::{Actor as StoreActor, Company, NewCompany, NewRight, NewUser, UserRight};
use serde_json::{json, Value};

use super::{json_of, Answer, TestApp, ADMIN, PROVIDER};

pub async fn new_login(app: &TestApp, email: &str, home: &Company) -> i64 {
    login(app, email, ("Mia", "Matrice"), Some(home.id)).await
}

/// A login of no company (a freelance who registered), with the demo password and no right.
pub async fn new_login_of_no_company(app: &TestApp, email: &str) -> i64 {
    login(app, email, ("Luca", "Libre"), None).await
}

async fn login(app: &TestApp, email: &str, (first, last): (&str, &str), home_company_id: Option<i64>) -> i64 {
    let hash = app.store.credentials(app.demo.admin.id).await.unwrap().password_hash;
    app.store
        .create_user(&NewUser {
            email: EmailAddress::parse(email).unwrap(),
            first_name: PersonName::parse(first).unwrap(),
            last_name: PersonName::parse(last).unwrap(),
            password_hash: hash,
            language: Language::Fr,
            home_company_id,
        })
        .await
        .unwrap()
        .id
}

pub async fn new_company(app: &TestApp, number: &str, name: &str) -> Company {
    let new = NewCompany { customer_number: CustomerNumber::parse(number).unwrap(), name: name.into(), language: Language::Fr };
    app.store.create_company(&new).await.unwrap()
}

pub async fn employee_right(app: &TestApp, company: &Company, user_id: i64, is_admin: bool) {
    app.store.create_right(&NewRight::employee(company.id, user_id, is_admin), &StoreActor::system()).await.unwrap();
}

pub async fn invitation(app: &TestApp, company_id: i64, by: i64, user_id: i64, end_date: Option<NaiveDate>) -> UserRight {
    let new = NewRight {
        company_id,
        user_id,
        right_type: RightType::Provider,
        is_admin: false,
        origin: RightOrigin::Invitation,
        remark: Remark::default(),
        end_date,
        created_by_user_id: Some(by),
    };
    app.store.create_right(&new, &StoreActor::user(by, company_id)).await.unwrap()
}

pub async fn step(app: &TestApp, right: UserRight, transition: Transition, party: Party, by: StoreActor) -> UserRight {
    app.store.transition_right(right.id, right.version, transition, party, &by).await.unwrap()
}

/// Makes `company_id` the acting company of the session `cookie`, as if it had been chosen
/// while that was allowed.
pub async fn set_acting_company(app: &TestApp, cookie: &str, company_id: i64) {
    let key = portal_core::store::session_key(cookie);
    let select = "SELECT data FROM sessions WHERE id = $1";
    let data: String = match app.store.backend() {
        portal_core::store::Backend::Sqlite(p) => sqlx::query_scalar(select).bind(&key).fetch_one(p).await,
        portal_core::store::Backend::Postgres(p) => sqlx::query_scalar(select).bind(&key).fetch_one(p).await,
    }
    .expect("the session");
    let mut record: Value = serde_json::from_str(&data).unwrap();
    record["data"][app::access::KEY_ACTING_COMPANY] = json!(company_id);
    let update = "UPDATE sessions SET data = $2 WHERE id = $1";
    match app.store.backend() {
        portal_core::store::Backend::Sqlite(p) => sqlx::query(update).bind(&key).bind(record.to_string()).execute(p).await.map(|_| ()),
        portal_core::store::Backend::Postgres(p) => sqlx::query(update).bind(&key).bind(record.to_string()).execute(p).await.map(|_| ()),
    }
    .unwrap();
}

/// Anna (Musterhans SA) invites Paul; returns the right's id and version.
pub async fn invite_paul(app: &TestApp) -> (i64, i64) {
    let admin = app.signed_in_cookie(ADMIN).await;
    let form = [("right_type", "provider"), ("email", PROVIDER), ("first_name", ""), ("last_name", ""), ("name", ""), ("remark", ""), ("assignment", "manual")];
    let answer = app.post("/api/enter_user", &form, Some(&admin)).await;
    assert_eq!(answer.status, 200, "{answer:?}");
    let right = app.store.right(json_of(&answer)["right_id"].as_i64().unwrap()).await.unwrap();
    (right.id, right.version)
}

/// "Saisir un utilisateur" of an employee with `email`, by the administrator signed in with
/// `admin` (a cookie), as the page sends it.
pub async fn enter_employee(app: &TestApp, admin: &str, email: &str, administrator: bool) -> Answer {
    let mut form = vec![
        ("right_type", "employee"),
        ("email", email),
        ("first_name", "Luca"),
        ("last_name", "Libre"),
        ("name", ""),
        ("remark", ""),
        ("assignment", "manual"),
    ];
    if administrator {
        form.push(("administrator", "on"));
    }
    app.post("/api/enter_user", &form, Some(admin)).await
}
