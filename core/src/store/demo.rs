//! Demo data: idempotent (a second call changes nothing and returns the same logins).
//! Musterhans SA holds no provider right at first but those of Logistique Alpine SA's
//! logins, which are there to be offboarded: the flow creates Paul's.

use chrono::{Duration, TimeZone, Utc};
use serde::Serialize;

use super::*;
use crate::domain::*;

/// The one documented password of every demo login.
pub const DEMO_PASSWORD: &str = "Demo-2026!portal";

/// A demo login, printed by the server in demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DemoLogin {
    pub email: String,
    pub password: String,
    pub name: String,
    /// E.g. "administrator of Musterhans SA".
    pub role: String,
}

#[derive(Debug, Clone)]
pub struct DemoData {
    pub principal: Company,
    pub provider_company: Company,
    pub third_company: Company,
    /// Anna Muster, administrator of Musterhans SA.
    pub admin: User,
    pub employees: Vec<User>,
    /// Paul Prestataire, administrator of Fiduciaire Exemple Sàrl.
    pub provider: User,
    pub third_admin: User,
    pub services: Vec<Service>,
    /// The four debtors of Musterhans SA.
    pub debtors: Vec<Debtor>,
    pub products: Vec<ContractProduct>,
    pub logins: Vec<DemoLogin>,
}

const SERVICES: [(&str, &str); 3] = [("orders", "Commande de produits contractuels"), ("invoices", "Factures"), ("tracking", "Suivi des envois")];

struct Seeder<'a> {
    store: &'a Store,
    hash: Option<PasswordHash>,
}

impl Seeder<'_> {
    async fn company(&mut self, number: &str, name: &str) -> Result<Company> {
        let number = CustomerNumber::parse(number).map_err(StoreError::invalid)?;
        if let Some(c) = self.store.company_by_customer_number(&number).await? {
            return Ok(c);
        }
        self.store.create_company(&NewCompany { customer_number: number, name: name.into(), language: Language::Fr }).await
    }

    async fn user(&mut self, email: &str, first: &str, last: &str, home: &Company) -> Result<User> {
        self.login(email, first, last, Some(home)).await
    }

    async fn login(&mut self, email: &str, first: &str, last: &str, home: Option<&Company>) -> Result<User> {
        let email = EmailAddress::parse(email).map_err(StoreError::invalid)?;
        if let Some(u) = self.store.user_by_email(&email).await? {
            return Ok(u);
        }
        if self.hash.is_none() {
            // Hash once: Argon2 is slow, and every demo login has the same password.
            let pw = Password::parse(DEMO_PASSWORD).map_err(StoreError::invalid)?;
            self.hash = Some(
                tokio::task::spawn_blocking(move || hash_password(&pw))
                    .await
                    .map_err(|e| StoreError::Database(sqlx::Error::Protocol(format!("hashing task failed: {e}"))))??,
            );
        }
        self.store
            .create_user(&NewUser {
                email,
                first_name: PersonName::parse(first).map_err(StoreError::invalid)?,
                last_name: PersonName::parse(last).map_err(StoreError::invalid)?,
                password_hash: self.hash.clone(),
                language: Language::Fr,
                home_company_id: home.map(|c| c.id),
            })
            .await
    }

    async fn employee(&mut self, company: &Company, user: &User, is_admin: bool, grants: &[GrantSpec]) -> Result<UserRight> {
        let right = match self.store.right_for(company.id, user.id).await? {
            Some(r) => r,
            None => self.store.create_right(&NewRight::employee(company.id, user.id, is_admin), &Actor::system()).await?,
        };
        // Idempotent: replacing with the same grants writes nothing.
        self.store.replace_service_grants(right.id, grants, &Actor::system()).await?;
        Ok(right)
    }

    /// `provider`'s accepted provider right on `company`, as invited by its administrator `by`,
    /// with `grants`; left as it is once it exists (the demo may have ended it since).
    async fn provider(&mut self, company: &Company, by: &User, provider: &User, grants: &[GrantSpec]) -> Result<()> {
        if self.store.right_for(company.id, provider.id).await?.is_some() {
            return Ok(());
        }
        let new = NewRight {
            company_id: company.id,
            user_id: provider.id,
            right_type: RightType::Provider,
            is_admin: false,
            origin: RightOrigin::Invitation,
            remark: Remark::default(),
            end_date: None,
            created_by_user_id: Some(by.id),
        };
        // The seeder writes it, not the administrator: their own audit trail starts empty.
        let invitation = self.store.create_right(&new, &Actor::system()).await?;
        let as_provider = Actor::user(provider.id, provider.home_company_id.unwrap_or(company.id));
        let accepted = self.store.transition_right(invitation.id, invitation.version, Transition::Accept, Party::Provider, &as_provider).await?;
        self.store.replace_service_grants(accepted.id, grants, &Actor::system()).await?;
        Ok(())
    }

    async fn debtor(&mut self, company: &Company, number: &str, name: &str) -> Result<Debtor> {
        let number = DebtorNumber::parse(number).map_err(StoreError::invalid)?;
        if let Some(d) = self.store.debtors(company.id).await?.into_iter().find(|d| d.debtor_number == number.as_str()) {
            return Ok(d);
        }
        self.store.create_debtor(company.id, &number, name).await
    }

    async fn product(&mut self, company: &Company, code: &str, name: &str, cents: i64) -> Result<ContractProduct> {
        if let Some(p) = self.store.products(company.id, false).await?.into_iter().find(|p| p.code == code) {
            return Ok(p);
        }
        self.store.create_product(company.id, code, name, cents).await
    }
}

fn all(services: &[Service], codes: &[&str]) -> Vec<GrantSpec> {
    services.iter().filter(|s| codes.contains(&s.code.as_str())).map(|s| GrantSpec { service_id: s.id, all_debtors: true, debtor_ids: vec![] }).collect()
}

/// Seeds the demo companies, logins, services, debtors, products and invoices.
pub async fn seed_demo(store: &Store) -> Result<DemoData> {
    let mut s = Seeder { store, hash: None };

    let mut services = Vec::new();
    for (code, name) in SERVICES {
        services.push(match store.service_by_code(code).await? {
            Some(svc) if svc.name == name => svc,
            _ => store.ensure_service(code, name).await?,
        });
    }

    let principal = s.company("10000001", "Musterhans SA").await?;
    let provider_company = s.company("20000002", "Fiduciaire Exemple Sàrl").await?;
    let third_company = s.company("30000003", "Transports Rapides SA").await?;
    for svc in &services {
        store.subscribe_service(principal.id, svc.id).await?;
    }
    for c in [&provider_company, &third_company] {
        for svc in services.iter().filter(|s| s.code != "tracking") {
            store.subscribe_service(c.id, svc.id).await?;
        }
    }

    let mut debtors = Vec::new();
    for (n, name) in [
        ("100001", "Musterhans SA – Siège Lausanne"),
        ("100002", "Musterhans SA – Succursale Genève"),
        ("100003", "Musterhans SA – Succursale Fribourg"),
        ("100004", "Musterhans Logistique"),
    ] {
        debtors.push(s.debtor(&principal, n, name).await?);
    }
    s.debtor(&provider_company, "200001", "Fiduciaire Exemple Sàrl").await?;
    let third_debtors =
        [s.debtor(&third_company, "300001", "Transports Rapides SA").await?, s.debtor(&third_company, "300002", "Transports Rapides SA – Dépôt Sion").await?];

    let mut products = Vec::new();
    for (code, name, cents) in [
        ("BOX-S", "Carton d'expédition S (lot de 25)", 2_450),
        ("BOX-M", "Carton d'expédition M (lot de 25)", 3_290),
        ("BOX-L", "Carton d'expédition L (lot de 10)", 2_890),
        ("ENV-C4", "Enveloppes C4 à fenêtre (lot de 500)", 6_900),
        ("LBL-A6", "Étiquettes d'adresse A6 (rouleau de 1000)", 4_500),
    ] {
        products.push(s.product(&principal, code, name, cents).await?);
    }

    // Transports Rapides SA orders its own contract products (the provider orders them there).
    for (code, name, cents) in [
        ("PAL-EU", "Étiquettes pour palettes EUR (lot de 100)", 3_850),
        ("SAC-XL", "Sacs d'expédition XL (lot de 50)", 4_720),
        ("CNT-R", "Conteneur roulant (location annuelle)", 123_450),
    ] {
        s.product(&third_company, code, name, cents).await?;
    }

    let existing = store.invoices_for_company(principal.id, None).await?;
    let base = Utc.with_ymd_and_hms(2026, 1, 15, 9, 0, 0).single().unwrap_or_else(real_time);
    for (i, d) in debtors.iter().enumerate() {
        for k in 0..3_i64 {
            let number = format!("F-2026-{:04}", i as i64 * 3 + k + 1);
            if existing.iter().any(|inv| inv.number == number) {
                continue;
            }
            let issued_at = base + Duration::days(30 * k + i as i64);
            store
                .create_invoice(&NewInvoice {
                    company_id: principal.id,
                    debtor_id: d.id,
                    number,
                    amount_cents: 12_000 + 3_517 * (i as i64 + 1) * (k + 1),
                    issued_at,
                    due_at: issued_at + Duration::days(30),
                    status: if k == 0 { InvoiceStatus::Paid } else { InvoiceStatus::Open },
                })
                .await?;
        }
    }

    let existing = store.invoices_for_company(third_company.id, None).await?;
    for (i, d) in third_debtors.iter().enumerate() {
        for k in 0..2_i64 {
            let number = format!("TR-2026-{:04}", i as i64 * 2 + k + 1);
            if existing.iter().any(|inv| inv.number == number) {
                continue;
            }
            let issued_at = base + Duration::days(45 * k + 3 * i as i64);
            store
                .create_invoice(&NewInvoice {
                    company_id: third_company.id,
                    debtor_id: d.id,
                    number,
                    amount_cents: 48_500 + 12_345 * (i as i64 + 1) * (k + 1),
                    issued_at,
                    due_at: issued_at + Duration::days(30),
                    status: if k == 0 { InvoiceStatus::Paid } else { InvoiceStatus::Open },
                })
                .await?;
        }
    }

    let admin = s.user("admin@musterhans.example", "Anna", "Muster", &principal).await?;
    let marc = s.user("marc.dubois@musterhans.example", "Marc", "Dubois", &principal).await?;
    let sophie = s.user("sophie.keller@musterhans.example", "Sophie", "Keller", &principal).await?;
    let provider = s.user("paul@fiduciaire.example", "Paul", "Prestataire", &provider_company).await?;
    let third_admin = s.user("admin@transports-rapides.example", "Tina", "Rapide", &third_company).await?;
    let luca = s.user("luca.bernasconi@transports-rapides.example", "Luca", "Bernasconi", &third_company).await?;

    s.employee(&principal, &admin, true, &all(&services, &["orders", "invoices", "tracking"])).await?;
    s.employee(&principal, &marc, false, &all(&services, &["orders", "tracking"])).await?;
    let invoices = services.iter().find(|x| x.code == "invoices").map(|x| x.id).unwrap_or_default();
    s.employee(
        &principal,
        &sophie,
        false,
        &[GrantSpec { service_id: invoices, all_debtors: false, debtor_ids: debtors.iter().take(2).map(|d| d.id).collect() }],
    )
    .await?;
    s.employee(&provider_company, &provider, true, &all(&services, &["orders", "invoices"])).await?;
    s.employee(&third_company, &third_admin, true, &all(&services, &["orders", "invoices"])).await?;
    s.employee(&third_company, &luca, false, &all(&services, &["invoices"])).await?;
    // The fiduciary already works for Transports Rapides SA (an accepted provider right), so
    // Paul meets the company selector from the start; the Musterhans SA right is for the demo
    // flow to create.
    s.provider(&third_company, &third_admin, &provider, &all(&services, &["orders"])).await?;

    // Logistique Alpine SA, a logistics partner: three of its logins work for both Musterhans
    // SA and Transports Rapides SA, each with other services and debtors. Offboarding a
    // provider company ends such a set of rights in one step.
    let logistics = s.company("45000005", "Logistique Alpine SA").await?;
    for svc in services.iter().filter(|s| s.code != "tracking") {
        store.subscribe_service(logistics.id, svc.id).await?;
    }
    s.debtor(&logistics, "400001", "Logistique Alpine SA").await?;
    let lea = s.user("lea.berger@logistique-alpine.example", "Léa", "Berger", &logistics).await?;
    let jonas = s.user("jonas.meier@logistique-alpine.example", "Jonas", "Meier", &logistics).await?;
    let chloe = s.user("chloe.rochat@logistique-alpine.example", "Chloé", "Rochat", &logistics).await?;
    s.employee(&logistics, &lea, true, &all(&services, &["orders", "invoices"])).await?;
    s.employee(&logistics, &jonas, false, &all(&services, &["orders"])).await?;
    s.employee(&logistics, &chloe, false, &all(&services, &["orders"])).await?;
    let some = |codes: &[&str], debtors: &[&Debtor]| -> Vec<GrantSpec> {
        let mut grants = all(&services, codes);
        for g in &mut grants {
            g.all_debtors = debtors.is_empty();
            g.debtor_ids = debtors.iter().map(|d| d.id).collect();
        }
        grants
    };
    let partner = [
        (&lea, some(&["orders"], &[]), some(&["orders", "invoices"], &[])),
        (&jonas, some(&["invoices"], &[&debtors[0], &debtors[1]]), some(&["invoices"], &[])),
        (&chloe, some(&["tracking"], &[]), some(&["orders"], &[&third_debtors[1]])),
    ];
    for (login, at_musterhans, at_transports) in &partner {
        s.provider(&principal, &admin, login, at_musterhans).await?;
        s.provider(&third_company, &third_admin, login, at_transports).await?;
    }

    // A freelance who registered her own login: no company, no right anywhere yet.
    let nadia = s.login("nadia.libre@independante.example", "Nadia", "Libre", None).await?;

    let login = |u: &User, role: String| DemoLogin { email: u.email.clone(), password: DEMO_PASSWORD.into(), name: u.full_name(), role };
    let logins = vec![
        login(&admin, format!("administrator of {}", principal.name)),
        login(&marc, format!("employee of {} (orders, tracking)", principal.name)),
        login(&sophie, format!("employee of {} (invoices, 2 debtors)", principal.name)),
        login(&provider, format!("administrator of {}, provider for {}", provider_company.name, third_company.name)),
        login(&third_admin, format!("administrator of {}", third_company.name)),
        login(&luca, format!("employee of {} (invoices)", third_company.name)),
        login(&lea, format!("administrator of {}, provider for {} and {}", logistics.name, principal.name, third_company.name)),
        login(&jonas, format!("employee of {}, provider for {} and {}", logistics.name, principal.name, third_company.name)),
        login(&chloe, format!("employee of {}, provider for {} and {}", logistics.name, principal.name, third_company.name)),
        login(&nadia, "freelance of no company, with no access yet".into()),
    ];
    Ok(DemoData {
        principal,
        provider_company,
        third_company,
        admin,
        employees: vec![marc, sophie],
        provider,
        third_admin,
        services,
        debtors,
        products,
        logins,
    })
}
