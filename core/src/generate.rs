//! A deterministic data set of a national operator's business customers (feature
//! `test-support`), for the benchmarks: `rights` rights over `rights / 100` companies whose
//! sizes follow Zipf's law (the largest holds about a tenth of the rights, the median
//! company about twenty, the smallest one or two), a fifth of them provider rights held by the
//! staff of provider companies who each work for about three companies, the companies'
//! debtors (a tenth of their rights, at most 5,000), service grants, and one audit entry per
//! right.
//!
//! Rows go in as multi-row statements with ids chosen here, so that 1,000,000 rights load in
//! minutes; the same seed gives the same data on either database.

use chrono::{DateTime, Duration, Utc};
use rand::{rngs::StdRng, Rng, SeedableRng};

use crate::domain::{AuditAction, CustomerNumber, Language, RightStatus};
use crate::store::{Backend, NewCompany, Result, Store};

/// What [`generate`] made.
#[derive(Debug, Clone)]
pub struct Generated {
    /// The companies, largest first, with how many rights each holds.
    pub companies: Vec<GeneratedCompany>,
    pub users: i64,
    pub rights: i64,
    pub debtors: i64,
    pub grants: i64,
}

#[derive(Debug, Clone, Copy)]
pub struct GeneratedCompany {
    pub id: i64,
    pub rights: i64,
}

/// The services every generated company subscribes to.
pub const SERVICES: [&str; 3] = ["orders", "invoices", "tracking"];

/// Loads the data set into `store` (migrated, and holding no company yet).
pub async fn generate(store: &Store, rights: i64, seed: u64) -> Result<Generated> {
    let mut rng = StdRng::seed_from_u64(seed);
    let at = store.now() - Duration::days(30);
    let sizes = company_sizes(rights, (rights / 100).max(1));
    let first = |table: &'static str| async move { next_id(store, table).await };
    let (company0, user0, right0, debtor0, grant0) =
        (first("companies").await?, first("users").await?, first("user_rights").await?, first("debtors").await?, first("service_grants").await?);

    let mut companies = Batch::new(store, "companies", &["id", "customer_number", "name", "language", "created_at"]);
    for (i, _) in sizes.iter().enumerate() {
        let id = company0 + i as i64;
        let kind = if is_provider_company(i) { "Fiduciaire" } else { "Entreprise" };
        companies.push(vec![V::I(id), V::T(format!("{}", 50_000_000 + id)), V::T(format!("{kind} {id} SA")), V::T("fr".into()), V::At(at)]);
        companies.flush_when_full().await?;
    }
    companies.flush().await?;

    let mut services = Vec::new();
    for code in SERVICES {
        services.push(store.ensure_service(code, code).await?.id);
    }
    let mut subscriptions = Batch::new(store, "company_services", &["company_id", "service_id", "created_at"]);
    for i in 0..sizes.len() as i64 {
        for &service in &services {
            subscriptions.push(vec![V::I(company0 + i), V::I(service), V::At(at)]);
            subscriptions.flush_when_full().await?;
        }
    }
    subscriptions.flush().await?;

    // The staff of the provider companies: a login per three provider rights.
    let provider_companies: Vec<i64> = (0..sizes.len()).filter(|i| is_provider_company(*i)).map(|i| company0 + i as i64).collect();
    let provider_rights: i64 = sizes.iter().map(|n| n / 5).sum();
    let pool = (provider_rights / 3).max(1);
    let mut users = Batch::new(store, "users", LOGIN_COLUMNS);
    for p in 0..pool {
        let id = user0 + p;
        let home = provider_companies.get(p as usize % provider_companies.len().max(1)).copied().unwrap_or(company0);
        users.push(login_row(id, format!("p{id}@provider{home}.example"), first_name(&mut rng), last_name(&mut rng), home, at));
        users.flush_when_full().await?;
    }

    let mut right_rows = Batch::new(
        store,
        "user_rights",
        &["id", "company_id", "user_id", "right_type", "is_admin", "status", "awaiting", "origin", "created_at", "updated_at", "answer_by", "version"],
    );
    let mut debtor_rows = Batch::new(store, "debtors", &["id", "company_id", "debtor_number", "name"]);
    let mut grant_rows = Batch::new(store, "service_grants", &["id", "right_id", "service_id", "all_debtors"]);
    let mut grant_debtor_rows = Batch::new(store, "service_grant_debtors", &["grant_id", "debtor_id"]);
    let mut audit_rows = Batch::new(store, "audit_log", &["at", "company_id", "action", "target"]);
    let (mut next_user, mut next_right, mut next_debtor, mut next_grant) = (user0 + pool, right0, debtor0, grant0);
    for (i, &n) in sizes.iter().enumerate() {
        let company = company0 + i as i64;
        let debtors = (n / 10).clamp(1, 5000);
        let first_debtor = next_debtor;
        for k in 0..debtors {
            debtor_rows.push(vec![V::I(next_debtor), V::I(company), V::T(format!("{}", 100_001 + k)), V::T(format!("Débiteur {}", k + 1))]);
            next_debtor += 1;
        }
        let providers = n / 5;
        for j in 0..n {
            let provider = j >= n - providers;
            let user = if provider {
                user0 + (i as i64 * 7919 + (j - (n - providers))) % pool
            } else {
                users.push(login_row(next_user, format!("u{next_user}@company{company}.example"), first_name(&mut rng), last_name(&mut rng), company, at));
                next_user += 1;
                next_user - 1
            };
            let roll: f64 = rng.gen();
            let status = match (provider, roll) {
                (true, r) if r < 0.10 => RightStatus::Pending,
                (_, r) if r > 0.96 => RightStatus::Revoked,
                _ => RightStatus::Active,
            };
            let pending = status == RightStatus::Pending;
            right_rows.push(vec![
                V::I(next_right),
                V::I(company),
                V::I(user),
                V::T(if provider { "provider" } else { "employee" }.into()),
                V::B(j == 0),
                V::T(status.as_str().into()),
                if pending { V::T("provider".into()) } else { V::NoText },
                V::T(if provider { "invitation" } else { "direct" }.into()),
                V::At(at),
                V::At(at),
                if pending { V::At(at + Duration::days(44)) } else { V::NoTime },
                V::I(1),
            ]);
            audit_rows.push(vec![V::At(at), V::I(company), V::T(AuditAction::RightCreate.as_str().into()), V::T(format!("right:{next_right}"))]);
            for (k, chance) in [1.0, 0.5, 0.3].into_iter().enumerate() {
                if rng.gen::<f64>() >= chance {
                    continue;
                }
                let all = debtors == 1 || rng.gen::<f64>() < 0.7;
                grant_rows.push(vec![V::I(next_grant), V::I(next_right), V::I(services[k]), V::B(all)]);
                if !all {
                    let picked = rng.gen_range(1..=3.min(debtors));
                    let start = rng.gen_range(0..debtors);
                    for d in 0..picked {
                        grant_debtor_rows.push(vec![V::I(next_grant), V::I(first_debtor + (start + d) % debtors)]);
                    }
                }
                next_grant += 1;
            }
            next_right += 1;
            let batches = [&users, &debtor_rows, &right_rows, &grant_rows, &grant_debtor_rows, &audit_rows];
            if batches.iter().any(|b| b.full()) {
                // Each table after the ones it references.
                for batch in [&mut users, &mut debtor_rows, &mut right_rows, &mut grant_rows, &mut grant_debtor_rows, &mut audit_rows] {
                    batch.flush().await?;
                }
            }
        }
    }
    for batch in [&mut users, &mut debtor_rows, &mut right_rows, &mut grant_rows, &mut grant_debtor_rows, &mut audit_rows] {
        batch.flush().await?;
    }
    restart_sequences(store).await?;
    let mut companies: Vec<GeneratedCompany> = sizes.iter().enumerate().map(|(i, &n)| GeneratedCompany { id: company0 + i as i64, rights: n }).collect();
    companies.sort_by_key(|c| std::cmp::Reverse(c.rights));
    Ok(Generated { companies, users: next_user - user0, rights: next_right - right0, debtors: next_debtor - debtor0, grants: next_grant - grant0 })
}

/// Adds `n` employees with active rights to company `company_id`, as an import would: logins
/// named Prénom Nom0000, Nom0001… with the e-mail `n0000@company<id>.example`, each right with
/// its audit entry, in a few statements whatever `n`.
pub async fn employees(store: &Store, company_id: i64, n: i64) -> Result<()> {
    import(store, company_id, n, |k| Imported {
        email: format!("n{k:04}@company{company_id}.example"),
        first_name: "Prénom".into(),
        last_name: format!("Nom{k:04}"),
        home: company_id,
        provider: false,
        admin: false,
    })
    .await
}

/// What [`one_company`] made.
#[derive(Debug, Clone)]
pub struct OneCompany {
    pub company: i64,
    /// A search that matches 100 last names whatever the size (from 10,000 rights on).
    pub rare_search: String,
}

/// One company of `rights` active rights, as a large customer's list looks: every 5th login is
/// a provider, staff of "Fiduciaire Exemple Sàrl", every 50th right an administrator's; last
/// names Nom0000000, Nom0000001…
pub async fn one_company(store: &Store, rights: i64) -> Result<OneCompany> {
    let company = store
        .create_company(&NewCompany { customer_number: CustomerNumber::parse("10000001").unwrap(), name: "Musterhans SA".into(), language: Language::Fr })
        .await?;
    let fiduciary = store
        .create_company(&NewCompany {
            customer_number: CustomerNumber::parse("20000002").unwrap(),
            name: "Fiduciaire Exemple Sàrl".into(),
            language: Language::Fr,
        })
        .await?;
    import(store, company.id, rights, |k| Imported {
        email: format!("user{k:07}@example{}.ch", k % 7),
        first_name: format!("Prénom{}", k % 97),
        last_name: format!("Nom{k:07}"),
        home: if k % 5 == 0 { fiduciary.id } else { company.id },
        provider: k % 5 == 0,
        admin: (k + 1) % 50 == 0,
    })
    .await?;
    Ok(OneCompany { company: company.id, rare_search: format!("nom{}", &format!("{:07}", rights / 2)[..5]) })
}

/// What varies between the logins of an import.
struct Imported {
    email: String,
    first_name: String,
    last_name: String,
    home: i64,
    /// A provider's right (by invitation), else an employee's.
    provider: bool,
    admin: bool,
}

/// Adds `n` logins, each with an active right on `company_id` and its audit entry; `login(k)`
/// says who the k-th is.
async fn import(store: &Store, company_id: i64, n: i64, login: impl Fn(i64) -> Imported) -> Result<()> {
    let at = store.now();
    let (user0, right0) = (next_id(store, "users").await?, next_id(store, "user_rights").await?);
    let mut users = Batch::new(store, "users", LOGIN_COLUMNS);
    let mut rights =
        Batch::new(store, "user_rights", &["id", "company_id", "user_id", "right_type", "is_admin", "status", "origin", "created_at", "updated_at"]);
    let mut audit = Batch::new(store, "audit_log", &["at", "company_id", "action", "target"]);
    for k in 0..n {
        let (user, right) = (user0 + k, right0 + k);
        let Imported { email, first_name, last_name, home, provider, admin } = login(k);
        users.push(login_row(user, email, first_name, last_name, home, at));
        rights.push(vec![
            V::I(right),
            V::I(company_id),
            V::I(user),
            V::T(if provider { "provider" } else { "employee" }.into()),
            V::B(admin),
            V::T("active".into()),
            V::T(if provider { "invitation" } else { "direct" }.into()),
            V::At(at),
            V::At(at),
        ]);
        audit.push(vec![V::At(at), V::I(company_id), V::T(AuditAction::RightCreate.as_str().into()), V::T(format!("right:{right}"))]);
        if users.full() || rights.full() || audit.full() {
            for batch in [&mut users, &mut rights, &mut audit] {
                batch.flush().await?;
            }
        }
    }
    for batch in [&mut users, &mut rights, &mut audit] {
        batch.flush().await?;
    }
    restart_sequences(store).await
}

const LOGIN_COLUMNS: &[&str] = &["id", "email", "first_name", "last_name", "language", "home_company_id", "created_at"];

/// A French-speaking login of `home`, in the order of [`LOGIN_COLUMNS`].
fn login_row(id: i64, email: String, first_name: String, last_name: String, home: i64, at: DateTime<Utc>) -> Vec<V> {
    vec![V::I(id), V::T(email), V::T(first_name), V::T(last_name), V::T("fr".into()), V::I(home), V::At(at)]
}

/// On Postgres, the ids were chosen here: the sequences continue after them.
async fn restart_sequences(store: &Store) -> Result<()> {
    if let Backend::Postgres(p) = store.backend() {
        for table in ["companies", "users", "user_rights", "debtors", "service_grants"] {
            sqlx::query(&format!("SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))")).execute(p).await?;
        }
    }
    Ok(())
}

/// Zipf's law over `companies` ranks, scaled to `rights` in all; every company holds one at
/// least, the largest takes what rounding leaves.
fn company_sizes(rights: i64, companies: i64) -> Vec<i64> {
    let harmonic: f64 = (1..=companies).map(|k| 1.0 / k as f64).sum();
    let mut sizes: Vec<i64> = (1..=companies).map(|k| ((rights as f64 / harmonic / k as f64).round() as i64).max(1)).collect();
    let rest = rights - sizes[1..].iter().sum::<i64>();
    sizes[0] = rest.max(1);
    sizes
}

/// Every tenth company, from the tenth largest on, is a fiduciary or an agency.
fn is_provider_company(index: usize) -> bool {
    index % 10 == 9
}

const FIRST_NAMES: [&str; 16] =
    ["Anna", "Luca", "Marie", "Noah", "Léa", "Elias", "Chiara", "Jonas", "Sofia", "Matteo", "Zoé", "Louis", "Emma", "Gian", "Nina", "Félix"];
const LAST_NAMES: [&str; 16] = [
    "Müller",
    "Meier",
    "Rossi",
    "Favre",
    "Schmid",
    "Bernasconi",
    "Keller",
    "Dubois",
    "Weber",
    "Huber",
    "Chappuis",
    "Frei",
    "Gerber",
    "Moser",
    "Bianchi",
    "Zürcher",
];

fn first_name(rng: &mut StdRng) -> String {
    FIRST_NAMES[rng.gen_range(0..FIRST_NAMES.len())].to_string()
}

/// A last name with a number, so that a search of one person finds a handful.
fn last_name(rng: &mut StdRng) -> String {
    format!("{}-{}", LAST_NAMES[rng.gen_range(0..LAST_NAMES.len())], rng.gen_range(1000..100_000))
}

async fn next_id(store: &Store, table: &str) -> Result<i64> {
    let sql = format!("SELECT COALESCE(MAX(id), 0) + 1 FROM {table}");
    Ok(match store.backend() {
        Backend::Sqlite(p) => sqlx::query_scalar(&sql).fetch_one(p).await?,
        Backend::Postgres(p) => sqlx::query_scalar(&sql).fetch_one(p).await?,
    })
}

/// A value of a generated row.
enum V {
    I(i64),
    T(String),
    B(bool),
    At(DateTime<Utc>),
    NoText,
    NoTime,
}

/// Rows of one table, written a few thousand at a time in one statement.
struct Batch<'s> {
    store: &'s Store,
    table: &'static str,
    columns: &'static [&'static str],
    values: Vec<V>,
}

/// Parameters per statement: under SQLite's limit (32,766) and Postgres' (65,535).
const PARAMETERS: usize = 30_000;

macro_rules! bind_values {
    ($query:expr, $values:expr) => {{
        let mut query = $query;
        for value in $values {
            query = match value {
                V::I(v) => query.bind(*v),
                V::T(v) => query.bind(v.as_str()),
                V::B(v) => query.bind(*v),
                V::At(v) => query.bind(*v),
                V::NoText => query.bind(None::<&str>),
                V::NoTime => query.bind(None::<DateTime<Utc>>),
            };
        }
        query
    }};
}

impl<'s> Batch<'s> {
    fn new(store: &'s Store, table: &'static str, columns: &'static [&'static str]) -> Self {
        Batch { store, table, columns, values: Vec::new() }
    }

    fn push(&mut self, row: Vec<V>) {
        debug_assert_eq!(row.len(), self.columns.len());
        self.values.extend(row);
    }

    /// Another row would pass the statement's parameter limit.
    fn full(&self) -> bool {
        self.values.len() + self.columns.len() > PARAMETERS
    }

    async fn flush_when_full(&mut self) -> Result<()> {
        match self.full() {
            true => self.flush().await,
            false => Ok(()),
        }
    }

    async fn flush(&mut self) -> Result<()> {
        if self.values.is_empty() {
            return Ok(());
        }
        let width = self.columns.len();
        // SQLite looks a numbered parameter up by its name, which costs a scan of the names per
        // value in a statement of thousands: its rows take anonymous ones, bound in order.
        let sqlite = matches!(self.store.backend(), Backend::Sqlite(_));
        let rows: Vec<String> = (0..self.values.len() / width)
            .map(|r| {
                let row: Vec<String> = (1..=width).map(|c| if sqlite { "?".to_string() } else { format!("${}", r * width + c) }).collect();
                format!("({})", row.join(", "))
            })
            .collect();
        let sql = format!("INSERT INTO {} ({}) VALUES {}", self.table, self.columns.join(", "), rows.join(", "));
        match self.store.backend() {
            Backend::Sqlite(p) => bind_values!(sqlx::query(&sql), &self.values).execute(p).await.map(|_| ())?,
            Backend::Postgres(p) => bind_values!(sqlx::query(&sql), &self.values).execute(p).await.map(|_| ())?,
        }
        self.values.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn company_sizes_follow_zipf_and_add_up() {
        let sizes = company_sizes(1_000_000, 10_000);
        assert_eq!(sizes.iter().sum::<i64>(), 1_000_000);
        assert!((95_000..110_000).contains(&sizes[0]), "the largest holds about a tenth: {}", sizes[0]);
        assert!((15..=25).contains(&sizes[5_000]), "the median company about twenty: {}", sizes[5_000]);
        assert!(sizes.iter().all(|&n| n >= 1));
    }
}
