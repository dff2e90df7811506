//! The acting company: which company a signed-in login works for in this session, chosen
//! among its home company and the companies where it holds an active provider right.

use serde::{Deserialize, Serialize};

/// One company the login may act for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChoice {
    pub company_id: i64,
    pub name: String,
    pub customer_number: String,
    /// Acting for it as a provider: it is not the login's own company.
    pub as_provider: bool,
}

/// The selector's content: "Ma société" and the third-party companies.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CompanyChoices {
    pub home: Option<CompanyChoice>,
    pub third_party: Vec<CompanyChoice>,
    pub acting: Option<i64>,
}

impl CompanyChoices {
    pub fn count(&self) -> usize {
        usize::from(self.home.is_some()) + self.third_party.len()
    }

    /// The only company there is, when there is exactly one: no selector is needed then.
    pub fn single(&self) -> Option<&CompanyChoice> {
        match (&self.home, self.third_party.as_slice()) {
            (Some(home), []) => Some(home),
            (None, [only]) => Some(only),
            _ => None,
        }
    }

    /// The company `company_id` among the choices, if it is one.
    pub fn get(&self, company_id: i64) -> Option<&CompanyChoice> {
        self.home.iter().chain(&self.third_party).find(|c| c.company_id == company_id)
    }

    pub fn contains(&self, company_id: i64) -> bool {
        self.get(company_id).is_some()
    }
}
