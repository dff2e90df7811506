//! Validated values: parse, don't validate. Each `parse` trims its input where sensible and
//! returns an error enum whose `code()` is stable ("email.invalid", …) for translation.

use serde::{Deserialize, Serialize};
use std::fmt;

use super::UnknownValue;

macro_rules! string_newtype {
    ($t:ident, $err:ty) => {
        impl $t {
            pub fn as_str(&self) -> &str {
                &self.0
            }
            pub fn into_inner(self) -> String {
                self.0
            }
        }
        impl AsRef<str> for $t {
            fn as_ref(&self) -> &str {
                &self.0
            }
        }
        impl fmt::Display for $t {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }
        impl TryFrom<String> for $t {
            type Error = $err;
            fn try_from(s: String) -> Result<Self, Self::Error> {
                Self::parse(&s)
            }
        }
        impl From<$t> for String {
            fn from(v: $t) -> String {
                v.0
            }
        }
        impl std::str::FromStr for $t {
            type Err = $err;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::parse(s)
            }
        }
    };
}

// ---------------------------------------------------------------- e-mail

/// A login's e-mail address: trimmed, lowercased, at most 254 characters.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct EmailAddress(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum EmailError {
    #[error("the e-mail address is empty")]
    Empty,
    #[error("the e-mail address is longer than 254 characters")]
    TooLong,
    #[error("the e-mail address is not valid")]
    Invalid,
}

impl EmailError {
    pub fn code(&self) -> &'static str {
        match self {
            EmailError::Empty => "email.empty",
            EmailError::TooLong => "email.too_long",
            EmailError::Invalid => "email.invalid",
        }
    }
}

impl EmailAddress {
    pub const MAX_LEN: usize = 254;

    pub fn parse(input: &str) -> Result<Self, EmailError> {
        let s = input.trim().to_lowercase();
        if s.is_empty() {
            return Err(EmailError::Empty);
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(EmailError::TooLong);
        }
        let (local, domain) = s.split_once('@').ok_or(EmailError::Invalid)?;
        if !valid_local_part(local) || !valid_domain(domain) {
            return Err(EmailError::Invalid);
        }
        Ok(Self(s))
    }

    /// The part after `@`.
    pub fn domain(&self) -> &str {
        self.0.split_once('@').map(|(_, d)| d).unwrap_or("")
    }
}
string_newtype!(EmailAddress, EmailError);

fn valid_local_part(local: &str) -> bool {
    const SPECIAL: &str = "!#$%&'*+/=?^_`{|}~.-";
    !local.is_empty()
        && local.len() <= 64
        && !local.starts_with('.')
        && !local.ends_with('.')
        && !local.contains("..")
        && local.chars().all(|c| c.is_ascii_alphanumeric() || SPECIAL.contains(c) || (!c.is_ascii() && c.is_alphanumeric()))
}

fn valid_domain(domain: &str) -> bool {
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 || domain.len() > 253 {
        return false;
    }
    let label_ok = |l: &str| !l.is_empty() && l.len() <= 63 && !l.starts_with('-') && !l.ends_with('-') && l.chars().all(|c| c.is_alphanumeric() || c == '-');
    let tld = labels[labels.len() - 1];
    labels.iter().all(|l| label_ok(l)) && tld.chars().count() >= 2 && tld.chars().all(|c| c.is_alphabetic())
}

// ---------------------------------------------------------------- customer number

/// A company's customer number: 4 to 12 digits.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CustomerNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum CustomerNumberError {
    #[error("the customer number is empty")]
    Empty,
    #[error("the customer number may contain digits only")]
    NotDigits,
    #[error("the customer number has 4 to 12 digits")]
    Length,
}

impl CustomerNumberError {
    pub fn code(&self) -> &'static str {
        match self {
            CustomerNumberError::Empty => "customer_number.empty",
            CustomerNumberError::NotDigits => "customer_number.not_digits",
            CustomerNumberError::Length => "customer_number.length",
        }
    }
}

impl CustomerNumber {
    pub fn parse(input: &str) -> Result<Self, CustomerNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(CustomerNumberError::Empty);
        }
        if !s.chars().all(|c| c.is_ascii_digit()) {
            return Err(CustomerNumberError::NotDigits);
        }
        if !(4..=12).contains(&s.len()) {
            return Err(CustomerNumberError::Length);
        }
        Ok(Self(s.to_owned()))
    }
}
string_newtype!(CustomerNumber, CustomerNumberError);

// ---------------------------------------------------------------- person name

/// A first or last name: trimmed, 1 to 100 characters, no control characters, and nothing
/// that reads as a web address (a URL scheme such as `https:` or `://`, or `www.`): a name is
/// written into official e-mails to other companies, where a link would look like the
/// portal's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum NameError {
    #[error("the name is empty")]
    Empty,
    #[error("the name is longer than 100 characters")]
    TooLong,
    #[error("the name contains control characters")]
    ControlChars,
    #[error("the name contains a web address")]
    Link,
}

impl NameError {
    pub fn code(&self) -> &'static str {
        match self {
            NameError::Empty => "name.empty",
            NameError::TooLong => "name.too_long",
            NameError::ControlChars => "name.control_chars",
            NameError::Link => "name.link",
        }
    }
}

impl PersonName {
    pub const MAX_LEN: usize = 100;

    pub fn parse(input: &str) -> Result<Self, NameError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(NameError::Empty);
        }
        if s.chars().count() > Self::MAX_LEN {
            return Err(NameError::TooLong);
        }
        if s.chars().any(char::is_control) {
            return Err(NameError::ControlChars);
        }
        if reads_as_a_link(s) {
            return Err(NameError::Link);
        }
        Ok(Self(s.to_owned()))
    }
}
string_newtype!(PersonName, NameError);

/// The URL schemes a mail reader turns into a link (with or without `//`).
const LINK_SCHEMES: [&str; 8] = ["http:", "https:", "ftp:", "file:", "mailto:", "javascript:", "data:", "tel:"];

/// `://`, `www.` or a URL scheme anywhere in `s`, whatever the case.
fn reads_as_a_link(s: &str) -> bool {
    let lower = s.to_lowercase();
    lower.contains("://") || lower.contains("www.") || LINK_SCHEMES.iter().any(|scheme| lower.contains(scheme))
}

// ---------------------------------------------------------------- template name

/// The name of a permission template ("Comptabilité — débiteurs Suisse romande"), unique in
/// its company: the rules of a person's name (trimmed, 1 to 100 characters, no control
/// characters), so that it reads whole in a list and a select.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct TemplateName(String);

impl TemplateName {
    pub fn parse(input: &str) -> Result<Self, NameError> {
        PersonName::parse(input).map(|name| Self(name.into_inner()))
    }
}
string_newtype!(TemplateName, NameError);

// ---------------------------------------------------------------- remark

/// An optional free text (at most 500 characters; line breaks and tabs allowed).
/// An empty remark is valid: see [`Remark::into_option`].
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Remark(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum RemarkError {
    #[error("the remark is longer than 500 characters")]
    TooLong,
    #[error("the remark contains control characters")]
    ControlChars,
}

impl RemarkError {
    pub fn code(&self) -> &'static str {
        match self {
            RemarkError::TooLong => "remark.too_long",
            RemarkError::ControlChars => "remark.control_chars",
        }
    }
}

impl Remark {
    pub const MAX_LEN: usize = 500;

    pub fn parse(input: &str) -> Result<Self, RemarkError> {
        let s = input.trim();
        if s.chars().count() > Self::MAX_LEN {
            return Err(RemarkError::TooLong);
        }
        if s.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            return Err(RemarkError::ControlChars);
        }
        Ok(Self(s.to_owned()))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `None` for an empty remark.
    pub fn into_option(self) -> Option<String> {
        if self.0.is_empty() {
            None
        } else {
            Some(self.0)
        }
    }
}
string_newtype!(Remark, RemarkError);

// ---------------------------------------------------------------- debtor number

/// A debtor (billing account) number: 1 to 20 characters, ASCII letters, digits and `-`,
/// starting with a letter or digit. Unique per company.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct DebtorNumber(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum DebtorNumberError {
    #[error("the debtor number is empty")]
    Empty,
    #[error("the debtor number is longer than 20 characters")]
    TooLong,
    #[error("the debtor number may contain letters, digits and '-' only")]
    Invalid,
}

impl DebtorNumberError {
    pub fn code(&self) -> &'static str {
        match self {
            DebtorNumberError::Empty => "debtor_number.empty",
            DebtorNumberError::TooLong => "debtor_number.too_long",
            DebtorNumberError::Invalid => "debtor_number.invalid",
        }
    }
}

impl DebtorNumber {
    pub const MAX_LEN: usize = 20;

    pub fn parse(input: &str) -> Result<Self, DebtorNumberError> {
        let s = input.trim();
        if s.is_empty() {
            return Err(DebtorNumberError::Empty);
        }
        if s.len() > Self::MAX_LEN {
            return Err(DebtorNumberError::TooLong);
        }
        if !s.starts_with(|c: char| c.is_ascii_alphanumeric()) || !s.chars().all(|c| c.is_ascii_alphanumeric() || c == '-') {
            return Err(DebtorNumberError::Invalid);
        }
        Ok(Self(s.to_ascii_uppercase()))
    }
}
string_newtype!(DebtorNumber, DebtorNumberError);

// ---------------------------------------------------------------- password

/// A clear-text password that satisfies the policy (10 to 128 characters, not only blanks).
/// Never serialized; `Debug` is redacted. Hash it with `store::hash_password`.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum PasswordError {
    #[error("the password must have at least 10 characters")]
    TooShort,
    #[error("the password must have at most 128 characters")]
    TooLong,
    #[error("the password may not consist of blanks only")]
    Blank,
}

impl PasswordError {
    pub fn code(&self) -> &'static str {
        match self {
            PasswordError::TooShort => "password.too_short",
            PasswordError::TooLong => "password.too_long",
            PasswordError::Blank => "password.blank",
        }
    }
}

impl Password {
    pub const MIN_LEN: usize = 10;
    pub const MAX_LEN: usize = 128;

    /// Checks the policy. The password is not trimmed: blanks are significant.
    pub fn parse(input: &str) -> Result<Self, PasswordError> {
        let n = input.chars().count();
        if n < Self::MIN_LEN {
            return Err(PasswordError::TooShort);
        }
        if n > Self::MAX_LEN {
            return Err(PasswordError::TooLong);
        }
        if input.trim().is_empty() {
            return Err(PasswordError::Blank);
        }
        Ok(Self(input.to_owned()))
    }

    /// The clear text, to hash or verify it.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(<redacted>)")
    }
}

// ---------------------------------------------------------------- language

/// The portal's languages; French is the default (the seed is French).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Language {
    #[default]
    Fr,
    De,
    It,
    En,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown language {0:?}")]
pub struct LanguageError(pub String);

impl LanguageError {
    pub fn code(&self) -> &'static str {
        "language.unknown"
    }
}

impl Language {
    pub const ALL: [Language; 4] = [Language::Fr, Language::De, Language::It, Language::En];

    /// ISO 639-1 code: "fr", "de", "it", "en".
    pub fn code(&self) -> &'static str {
        match self {
            Language::Fr => "fr",
            Language::De => "de",
            Language::It => "it",
            Language::En => "en",
        }
    }

    /// Accepts "fr", "FR", "fr-CH", "de_CH"…
    pub fn parse(input: &str) -> Result<Self, LanguageError> {
        let s = input.trim();
        let primary = s.split(['-', '_']).next().unwrap_or("").to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Ok(Language::Fr),
            "de" => Ok(Language::De),
            "it" => Ok(Language::It),
            "en" => Ok(Language::En),
            _ => Err(LanguageError(s.to_owned())),
        }
    }
}

impl fmt::Display for Language {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

impl std::str::FromStr for Language {
    type Err = LanguageError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

// ---------------------------------------------------------------- invitation lifetime

/// How many days a pending invitation (or access request) of a company waits for its answer
/// before it lapses: 1 to 90, 14 unless the company's administrators chose otherwise.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "i64", into = "i64")]
pub struct InvitationLifetime(u8);

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum InvitationLifetimeError {
    #[error("the lifetime is not a whole number of days")]
    NotANumber,
    #[error("the lifetime is not between 1 and 90 days")]
    OutOfRange,
}

impl InvitationLifetimeError {
    pub fn code(&self) -> &'static str {
        match self {
            InvitationLifetimeError::NotANumber => "invitation_lifetime.not_a_number",
            InvitationLifetimeError::OutOfRange => "invitation_lifetime.out_of_range",
        }
    }
}

impl InvitationLifetime {
    pub const MIN_DAYS: i64 = 1;
    pub const MAX_DAYS: i64 = 90;
    pub const DEFAULT: InvitationLifetime = InvitationLifetime(14);

    pub fn from_days(days: i64) -> Result<Self, InvitationLifetimeError> {
        if (Self::MIN_DAYS..=Self::MAX_DAYS).contains(&days) {
            Ok(Self(days as u8))
        } else {
            Err(InvitationLifetimeError::OutOfRange)
        }
    }

    /// What an administrator typed: a whole number of days, blanks around it allowed.
    pub fn parse(input: &str) -> Result<Self, InvitationLifetimeError> {
        let days: i64 = input.trim().parse().map_err(|_| InvitationLifetimeError::NotANumber)?;
        Self::from_days(days)
    }

    pub fn days(&self) -> i64 {
        i64::from(self.0)
    }
}

impl Default for InvitationLifetime {
    fn default() -> Self {
        Self::DEFAULT
    }
}

impl TryFrom<i64> for InvitationLifetime {
    type Error = InvitationLifetimeError;
    fn try_from(days: i64) -> Result<Self, Self::Error> {
        Self::from_days(days)
    }
}

impl From<InvitationLifetime> for i64 {
    fn from(lifetime: InvitationLifetime) -> i64 {
        lifetime.days()
    }
}

// ---------------------------------------------------------------- extension of an end date

/// How an administrator extends a right's end date in one step: by 3, 6 or 12 months from the
/// end date it has, or to a date of their choice.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Extension {
    Months(u32),
    Until(chrono::NaiveDate),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum ExtensionError {
    #[error("choose 3, 6 or 12 months, or a date")]
    BadChoice,
    #[error("the right has no end date to extend")]
    NoEndDate,
    #[error("the new end date is not after the present one")]
    NotLater,
    #[error("the right has ended")]
    Ended,
}

impl ExtensionError {
    pub fn code(&self) -> &'static str {
        match self {
            ExtensionError::BadChoice => "extension.bad_choice",
            ExtensionError::NoEndDate => "extension.no_end_date",
            ExtensionError::NotLater => "extension.not_later",
            ExtensionError::Ended => "extension.ended",
        }
    }
}

impl Extension {
    pub const MONTHS: [u32; 3] = [3, 6, 12];

    /// What the form posted: `months` (3, 6 or 12), or else `until` (`yyyy-mm-dd`); one of them.
    pub fn parse(months: &str, until: &str) -> Result<Self, ExtensionError> {
        match (months.trim(), until.trim()) {
            (months, "") => months.parse::<u32>().ok().filter(|m| Self::MONTHS.contains(m)).map(Extension::Months).ok_or(ExtensionError::BadChoice),
            ("", until) => chrono::NaiveDate::parse_from_str(until, "%Y-%m-%d").map(Extension::Until).map_err(|_| ExtensionError::BadChoice),
            _ => Err(ExtensionError::BadChoice),
        }
    }

    /// The end date a right ending on `end` gets on `today`: later than `end`, and not past.
    pub fn new_end(&self, end: chrono::NaiveDate, today: chrono::NaiveDate) -> Result<chrono::NaiveDate, ExtensionError> {
        let new = match *self {
            Extension::Months(months) => end.checked_add_months(chrono::Months::new(months)).ok_or(ExtensionError::BadChoice)?,
            Extension::Until(date) => date,
        };
        if new <= end || new < today {
            return Err(ExtensionError::NotLater);
        }
        Ok(new)
    }
}

/// Where an invoice stands, as the invoices service shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum InvoiceStatus {
    Open,
    Paid,
    Overdue,
    Cancelled,
}
str_enum!(InvoiceStatus, "invoice status", { Open => "open", Paid => "paid", Overdue => "overdue", Cancelled => "cancelled" });

impl TryFrom<String> for InvoiceStatus {
    type Error = UnknownValue;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn date(s: &str) -> chrono::NaiveDate {
        chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    // extension of an end date
    #[test]
    fn an_extension_is_three_six_or_twelve_months_or_a_date() {
        assert_eq!(Extension::parse("6", ""), Ok(Extension::Months(6)));
        assert_eq!(Extension::parse(" 12 ", " "), Ok(Extension::Months(12)));
        assert_eq!(Extension::parse("", "2027-03-31"), Ok(Extension::Until(date("2027-03-31"))));
        assert_eq!(Extension::parse("5", ""), Err(ExtensionError::BadChoice));
        assert_eq!(Extension::parse("3", "2027-03-31"), Err(ExtensionError::BadChoice), "one way at a time");
        assert_eq!(Extension::parse("", "31.03.2027"), Err(ExtensionError::BadChoice));
        assert_eq!(Extension::parse("", ""), Err(ExtensionError::BadChoice));
    }
    #[test]
    fn months_count_from_the_end_date_and_keep_to_the_last_day_of_a_shorter_month() {
        let today = date("2026-12-03");
        assert_eq!(Extension::Months(3).new_end(date("2026-12-31"), today), Ok(date("2027-03-31")));
        assert_eq!(Extension::Months(3).new_end(date("2026-11-30"), today), Ok(date("2027-02-28")));
        assert_eq!(Extension::Months(12).new_end(date("2027-01-15"), today), Ok(date("2028-01-15")));
    }
    #[test]
    fn an_extension_to_a_date_must_move_the_end_later_and_not_into_the_past() {
        let today = date("2026-12-03");
        assert_eq!(Extension::Until(date("2027-01-01")).new_end(date("2026-12-20"), today), Ok(date("2027-01-01")));
        assert_eq!(Extension::Until(date("2026-12-20")).new_end(date("2026-12-20"), today), Err(ExtensionError::NotLater));
        assert_eq!(Extension::Until(date("2026-12-10")).new_end(date("2026-12-20"), today), Err(ExtensionError::NotLater));
        assert_eq!(Extension::Until(date("2026-12-02")).new_end(date("2026-12-01"), today), Err(ExtensionError::NotLater));
    }

    // invitation lifetime
    #[test]
    fn an_invitation_lifetime_is_one_to_ninety_whole_days() {
        assert_eq!(InvitationLifetime::parse(" 30 ").unwrap().days(), 30);
        assert_eq!(InvitationLifetime::parse("1").unwrap().days(), 1);
        assert_eq!(InvitationLifetime::parse("90").unwrap().days(), 90);
        assert_eq!(InvitationLifetime::parse("0"), Err(InvitationLifetimeError::OutOfRange));
        assert_eq!(InvitationLifetime::parse("91"), Err(InvitationLifetimeError::OutOfRange));
        assert_eq!(InvitationLifetime::parse("-3"), Err(InvitationLifetimeError::OutOfRange));
        assert_eq!(InvitationLifetime::parse("2.5"), Err(InvitationLifetimeError::NotANumber));
        assert_eq!(InvitationLifetime::parse(""), Err(InvitationLifetimeError::NotANumber));
        assert_eq!(InvitationLifetime::default().days(), 14);
    }
    #[test]
    fn an_invitation_lifetime_out_of_range_does_not_deserialize() {
        assert_eq!(serde_json::from_str::<InvitationLifetime>("7").unwrap().days(), 7);
        assert!(serde_json::from_str::<InvitationLifetime>("120").is_err());
    }

    // e-mail
    #[test]
    fn an_email_is_trimmed_and_lowercased() {
        assert_eq!(EmailAddress::parse("  Anna.Muster@MusterHans.Example ").unwrap().as_str(), "anna.muster@musterhans.example");
    }
    #[test]
    fn common_emails_are_accepted() {
        for ok in ["a@b.ch", "first.last+tag@sub.domain.example", "o'neil@x.co", "x_y-z@a-b.example", "jörg@müller.ch"] {
            assert!(EmailAddress::parse(ok).is_ok(), "{ok}");
        }
    }
    #[test]
    fn an_empty_email_is_rejected_as_empty() {
        assert_eq!(EmailAddress::parse("   "), Err(EmailError::Empty));
        assert_eq!(EmailError::Empty.code(), "email.empty");
    }
    #[test]
    fn malformed_emails_are_rejected_as_invalid() {
        for bad in [
            "plain",
            "@b.ch",
            "a@",
            "a@b",
            "a@@b.ch",
            "a b@c.ch",
            "a@b..ch",
            ".a@b.ch",
            "a.@b.ch",
            "a..b@c.ch",
            "a@-b.ch",
            "a@b-.ch",
            "a@b.c",
            "a@b.c1",
            "a<@b.ch",
            "a@b\u{0}.ch",
            "a\tb@c.ch",
        ] {
            assert_eq!(EmailAddress::parse(bad), Err(EmailError::Invalid), "{bad:?}");
        }
        assert_eq!(EmailError::Invalid.code(), "email.invalid");
    }
    #[test]
    fn an_email_longer_than_254_characters_is_rejected() {
        let long = format!("{}@{}.example", "a".repeat(60), "b".repeat(190));
        assert_eq!(EmailAddress::parse(&long), Err(EmailError::TooLong));
    }
    #[test]
    fn an_email_deserializes_only_when_valid() {
        let e: EmailAddress = serde_json::from_str("\"A@B.CH\"").unwrap();
        assert_eq!(e.as_str(), "a@b.ch");
        assert!(serde_json::from_str::<EmailAddress>("\"nope\"").is_err());
    }

    // customer number
    #[test]
    fn a_customer_number_has_four_to_twelve_digits() {
        assert_eq!(CustomerNumber::parse(" 10000001 ").unwrap().as_str(), "10000001");
        assert!(CustomerNumber::parse("1234").is_ok());
        assert!(CustomerNumber::parse("123456789012").is_ok());
        assert_eq!(CustomerNumber::parse("123"), Err(CustomerNumberError::Length));
        assert_eq!(CustomerNumber::parse("1234567890123"), Err(CustomerNumberError::Length));
    }
    #[test]
    fn a_customer_number_with_letters_or_blanks_inside_is_rejected() {
        assert_eq!(CustomerNumber::parse("12a45"), Err(CustomerNumberError::NotDigits));
        assert_eq!(CustomerNumber::parse("12 345"), Err(CustomerNumberError::NotDigits));
        assert_eq!(CustomerNumber::parse(""), Err(CustomerNumberError::Empty));
        assert_eq!(CustomerNumberError::NotDigits.code(), "customer_number.not_digits");
    }

    // names
    #[test]
    fn a_name_is_trimmed_and_keeps_its_case_and_accents() {
        assert_eq!(PersonName::parse("  Zoé d'Ávila ").unwrap().as_str(), "Zoé d'Ávila");
    }
    #[test]
    fn a_name_never_reads_as_a_web_address() {
        for link in ["URGENT: re-validate at https://evil.example", "Anna www.evil.example", "HTTP://x", "Anna (mailto:a@b.example)", "evil.example/x ://"] {
            assert_eq!(PersonName::parse(link), Err(NameError::Link), "{link}");
        }
        for name in ["Zoé d'Ávila", "Müller-Lüdenscheidt", "O'Brien: Jr.", "Dr. Www Anna"] {
            assert!(PersonName::parse(name).is_ok(), "{name}");
        }
        assert_eq!(NameError::Link.code(), "name.link");
    }
    #[test]
    fn a_name_must_not_be_empty_too_long_or_contain_control_characters() {
        assert_eq!(PersonName::parse(" "), Err(NameError::Empty));
        assert!(PersonName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(PersonName::parse(&"é".repeat(101)), Err(NameError::TooLong));
        assert_eq!(PersonName::parse("An\u{0}na"), Err(NameError::ControlChars));
        assert_eq!(PersonName::parse("An\nna"), Err(NameError::ControlChars));
        assert_eq!(NameError::TooLong.code(), "name.too_long");
    }

    // remark
    #[test]
    fn a_remark_may_be_empty_and_then_is_none() {
        assert!(Remark::parse("  ").unwrap().is_empty());
        assert_eq!(Remark::parse("").unwrap().into_option(), None);
        assert_eq!(Remark::parse(" Mandat TVA\n2026 ").unwrap().into_option().as_deref(), Some("Mandat TVA\n2026"));
    }
    #[test]
    fn a_remark_longer_than_500_characters_is_rejected() {
        assert!(Remark::parse(&"x".repeat(500)).is_ok());
        assert_eq!(Remark::parse(&"x".repeat(501)), Err(RemarkError::TooLong));
        assert_eq!(Remark::parse("a\u{7}b"), Err(RemarkError::ControlChars));
        assert_eq!(RemarkError::TooLong.code(), "remark.too_long");
    }

    // debtor number
    #[test]
    fn a_debtor_number_is_trimmed_and_uppercased() {
        assert_eq!(DebtorNumber::parse(" d-4711 ").unwrap().as_str(), "D-4711");
    }
    #[test]
    fn a_debtor_number_rejects_empty_long_and_odd_characters() {
        assert_eq!(DebtorNumber::parse(""), Err(DebtorNumberError::Empty));
        assert_eq!(DebtorNumber::parse(&"1".repeat(21)), Err(DebtorNumberError::TooLong));
        assert_eq!(DebtorNumber::parse("-12"), Err(DebtorNumberError::Invalid));
        assert_eq!(DebtorNumber::parse("12 34"), Err(DebtorNumberError::Invalid));
        assert_eq!(DebtorNumberError::Invalid.code(), "debtor_number.invalid");
    }

    // password
    #[test]
    fn a_password_needs_ten_to_128_characters() {
        assert_eq!(Password::parse("short-pw1").unwrap_err(), PasswordError::TooShort);
        assert!(Password::parse("Demo-2026!portal").is_ok());
        assert!(Password::parse(&"p".repeat(128)).is_ok());
        assert_eq!(Password::parse(&"p".repeat(129)).unwrap_err(), PasswordError::TooLong);
        assert_eq!(Password::parse("          ").unwrap_err(), PasswordError::Blank);
        assert_eq!(PasswordError::TooShort.code(), "password.too_short");
    }
    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = Password::parse("Demo-2026!portal").unwrap();
        assert!(!format!("{p:?}").contains("Demo"));
    }

    // language
    #[test]
    fn french_is_the_default_language() {
        assert_eq!(Language::default(), Language::Fr);
    }
    #[test]
    fn languages_parse_from_their_codes_and_locales() {
        for l in Language::ALL {
            assert_eq!(Language::parse(l.code()), Ok(l));
        }
        assert_eq!(Language::parse("de-CH"), Ok(Language::De));
        assert_eq!(Language::parse("IT"), Ok(Language::It));
        assert_eq!(Language::parse("rm").unwrap_err().code(), "language.unknown");
    }

    #[test]
    fn a_template_name_is_trimmed_and_refused_empty_too_long_or_with_control_characters() {
        assert_eq!(TemplateName::parse("  Comptabilité — débiteurs Suisse romande ").unwrap().as_str(), "Comptabilité — débiteurs Suisse romande");
        assert_eq!(TemplateName::parse("   "), Err(NameError::Empty));
        assert_eq!(TemplateName::parse(&"é".repeat(101)), Err(NameError::TooLong));
        assert!(TemplateName::parse(&"é".repeat(100)).is_ok());
        assert_eq!(TemplateName::parse("Compta\nRomandie"), Err(NameError::ControlChars));
    }
}
