//! How the domain's values come out of a column, on either database: a record derives
//! `sqlx::FromRow` over its own fields, and a column that holds no valid value (an unknown
//! word, a lifetime out of range) fails the read as a decoding error, as a corrupt row must.
//! JSON kept as text is read by `json_text`.

use sqlx::error::BoxDynError;
use sqlx::{Database, Decode};

use crate::domain::*;
use crate::store::{PasswordHash, Secret, TokenPurpose};

/// A value stored as text, read through `$parse`.
macro_rules! read_from_text {
    ($($t:ty => $parse:expr),* $(,)?) => {$(
        stored_as!($t, String);

        impl<'r, DB: Database> Decode<'r, DB> for $t
        where
            String: Decode<'r, DB>,
        {
            fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
                let text = <String as Decode<'r, DB>>::decode(value)?;
                let parse: fn(String) -> Result<$t, BoxDynError> = $parse;
                parse(text)
            }
        }
    )*};
}

read_from_text! {
    Language => |s| Ok(Language::parse(&s)?),
    RightType => |s| Ok(RightType::parse(&s)?),
    RightStatus => |s| Ok(RightStatus::parse(&s)?),
    Awaiting => |s| Ok(Awaiting::parse(&s)?),
    RightOrigin => |s| Ok(RightOrigin::parse(&s)?),
    MessageKind => |s| Ok(MessageKind::parse(&s)?),
    AuditAction => |s| Ok(AuditAction::parse(&s)?),
    InvoiceStatus => |s| Ok(InvoiceStatus::parse(&s)?),
    TokenPurpose => |s| TokenPurpose::parse(&s).ok_or_else(|| format!("unknown token purpose {s}").into()),
    PasswordHash => |s| Ok(PasswordHash::from_phc(s)),
    Secret => |s| Ok(Secret::new(s)),
}

// A company's invitation lifetime, stored as its number of days.
stored_as!(InvitationLifetime, i32);

impl<'r, DB: Database> Decode<'r, DB> for InvitationLifetime
where
    i32: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(InvitationLifetime::from_days(<i32 as Decode<'r, DB>>::decode(value)?.into())?)
    }
}
