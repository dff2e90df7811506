//! A JSON document stored as text: both databases keep it as `TEXT`, so sqlx's `Json`, which
//! Postgres reads only from `JSON` columns, does not apply. A record's field reads it with
//! `#[sqlx(try_from = "JsonText")]`, or `"MaybeJsonText"` where the column may be NULL; text
//! that is not JSON fails the read.

use sqlx::error::BoxDynError;
use sqlx::{Database, Decode};

pub(crate) struct JsonText(serde_json::Value);

stored_as!(JsonText, String);

impl<'r, DB: Database> Decode<'r, DB> for JsonText
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(JsonText(serde_json::from_str(&<String as Decode<'r, DB>>::decode(value)?)?))
    }
}

impl From<JsonText> for serde_json::Value {
    fn from(json: JsonText) -> Self {
        json.0
    }
}

pub(crate) struct MaybeJsonText(Option<JsonText>);

stored_as!(MaybeJsonText, String);

impl<'r, DB: Database> Decode<'r, DB> for MaybeJsonText
where
    String: Decode<'r, DB>,
{
    fn decode(value: DB::ValueRef<'r>) -> Result<Self, BoxDynError> {
        Ok(MaybeJsonText(<Option<JsonText> as Decode<'r, DB>>::decode(value)?))
    }
}

impl From<MaybeJsonText> for Option<serde_json::Value> {
    fn from(json: MaybeJsonText) -> Self {
        json.0.map(serde_json::Value::from)
    }
}
