//! Value types and decoders for the forms Bitrix24 uses on the wire.
//!
//! The server is lenient and so must its clients be: IDs arrive as numbers or numeric strings,
//! booleans as `"Y"`/`"N"`, `true`/`false`, `1`/`0` or `"1"`/`"0"`, and an empty object as `[]`.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Conversions both ways between a wire newtype and the value it wraps.
macro_rules! wraps {
    ($($name:ident($inner:ty)),*) => {$(
        impl From<$inner> for $name {
            fn from(value: $inner) -> Self {
                $name(value)
            }
        }

        impl From<$name> for $inner {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )*};
}

wraps!(YesNo(bool), Id(u64));

/// A Bitrix24 boolean in the legacy `"Y"`/`"N"` form.
///
/// Serialises as `"Y"` or `"N"`; deserialises from any form the server uses.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct YesNo(pub bool);

impl Serialize for YesNo {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(if self.0 { "Y" } else { "N" })
    }
}

impl<'de> Deserialize<'de> for YesNo {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::flag(deserializer).map(YesNo)
    }
}

/// A numeric identifier that the server may send as a number or as a numeric string.
///
/// Serialises as a JSON number.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(transparent)]
pub struct Id(pub u64);

impl fmt::Display for Id {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

/// `From` for the narrower unsigned integer kinds (`u64` comes with `wraps!`).
macro_rules! id_from_unsigned {
    ($($int:ty),*) => {$(
        impl From<$int> for Id {
            fn from(value: $int) -> Self {
                Id(u64::from(value))
            }
        }
    )*};
}

id_from_unsigned!(u8, u16, u32);

impl From<usize> for Id {
    /// Lossless: Rust supports no target whose `usize` is wider than 64 bits.
    fn from(value: usize) -> Self {
        Id(value as u64)
    }
}

/// Why a value is no [`Id`]: a negative number, or text that is no unsigned integer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct InvalidId(String);

impl fmt::Display for InvalidId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "not an ID (an unsigned integer): {:?}", self.0)
    }
}

impl std::error::Error for InvalidId {}

/// `TryFrom` for the signed integer kinds: IDs are never negative, so a negative number is
/// an [`InvalidId`], not a wrapped-around ID.
macro_rules! id_try_from_signed {
    ($($int:ty),*) => {$(
        impl TryFrom<$int> for Id {
            type Error = InvalidId;

            fn try_from(value: $int) -> Result<Self, InvalidId> {
                u64::try_from(value)
                    .map(Id)
                    .map_err(|_| InvalidId(value.to_string()))
            }
        }
    )*};
}

id_try_from_signed!(i8, i16, i32, i64, isize);

impl std::str::FromStr for Id {
    type Err = InvalidId;

    /// Parses the numeric-string form the server sends (`"37"`, surrounding spaces allowed).
    fn from_str(text: &str) -> Result<Self, InvalidId> {
        text.trim()
            .parse()
            .map(Id)
            .map_err(|_| InvalidId(text.to_owned()))
    }
}

impl TryFrom<&str> for Id {
    type Error = InvalidId;

    fn try_from(text: &str) -> Result<Self, InvalidId> {
        text.parse()
    }
}

impl TryFrom<String> for Id {
    type Error = InvalidId;

    fn try_from(text: String) -> Result<Self, InvalidId> {
        text.parse()
    }
}

impl<'de> Deserialize<'de> for Id {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        de::u64(deserializer).map(Id)
    }
}

/// A result that carries nothing: accepts `null`, `true`, `[]` or `{}` (what delete methods
/// return), serialises as `null`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize)]
pub struct Empty;

impl<'de> Deserialize<'de> for Empty {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        serde::de::IgnoredAny::deserialize(deserializer).map(|_| Empty)
    }
}

/// A number the server may send as a JSON number or as a string (`"37"`, `"19999.99"`), kept
/// in the form it arrived in so that it serialises back unchanged.
///
/// Legacy methods send IDs and money as strings, D7 methods as numbers, and inputs accept
/// either. Read it with [`Numeric::as_u64`], [`Numeric::as_i64`] or [`Numeric::as_f64`], which
/// parse the string form. Any string is accepted (documentation examples use placeholders),
/// so reading may return `None`.
#[derive(Clone, Debug, PartialEq)]
pub enum Numeric {
    /// A JSON number.
    Number(serde_json::Number),
    /// A string, as legacy methods send numbers.
    Text(String),
}

impl Numeric {
    /// The value as an unsigned integer, if it is one.
    pub fn as_u64(&self) -> Option<u64> {
        match self {
            Numeric::Number(number) => number.as_u64(),
            Numeric::Text(text) => text.trim().parse().ok(),
        }
    }

    /// The value as a signed integer, if it is one.
    pub fn as_i64(&self) -> Option<i64> {
        match self {
            Numeric::Number(number) => number.as_i64(),
            Numeric::Text(text) => text.trim().parse().ok(),
        }
    }

    /// The value as a float, if it is a number.
    pub fn as_f64(&self) -> Option<f64> {
        match self {
            Numeric::Number(number) => number.as_f64(),
            Numeric::Text(text) => text.trim().parse().ok(),
        }
    }
}

impl Default for Numeric {
    fn default() -> Self {
        Numeric::Number(0.into())
    }
}

/// `From` for every integer kind, so `2.into()`, `id as u32` or `count as usize` all convert.
macro_rules! numeric_from_integers {
    ($($int:ty),*) => {$(
        impl From<$int> for Numeric {
            fn from(value: $int) -> Self {
                Numeric::Number(value.into())
            }
        }
    )*};
}

numeric_from_integers!(u8, u16, u32, u64, usize, i8, i16, i32, i64, isize);

impl From<f64> for Numeric {
    /// A finite float becomes a JSON number; NaN and the infinities, which JSON cannot carry,
    /// are sent as their text (`"NaN"`, `"inf"`) for the server to reject with its own error.
    fn from(value: f64) -> Self {
        match serde_json::Number::from_f64(value) {
            Some(number) => Numeric::Number(number),
            None => Numeric::Text(value.to_string()),
        }
    }
}

impl From<f32> for Numeric {
    fn from(value: f32) -> Self {
        Numeric::from(f64::from(value))
    }
}

/// `From` for the forms a `Numeric` keeps as they are.
macro_rules! numeric_from_forms {
    ($($form:ty => $variant:ident),*) => {$(
        impl From<$form> for Numeric {
            fn from(value: $form) -> Self {
                Numeric::$variant(value)
            }
        }
    )*};
}

numeric_from_forms!(serde_json::Number => Number, String => Text);

impl From<Id> for Numeric {
    fn from(value: Id) -> Self {
        Numeric::Number(value.0.into())
    }
}

impl From<&str> for Numeric {
    fn from(value: &str) -> Self {
        Numeric::Text(value.to_owned())
    }
}

impl fmt::Display for Numeric {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Numeric::Number(number) => number.fmt(f),
            Numeric::Text(text) => f.write_str(text),
        }
    }
}

impl Serialize for Numeric {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Numeric::Number(number) => number.serialize(serializer),
            Numeric::Text(text) => serializer.serialize_str(text),
        }
    }
}

impl<'de> Deserialize<'de> for Numeric {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Number(serde_json::Number),
            Text(String),
        }
        match Wire::deserialize(deserializer) {
            Ok(Wire::Number(number)) => Ok(Numeric::Number(number)),
            Ok(Wire::Text(text)) => Ok(Numeric::Text(text)),
            Err(_) => Err(serde::de::Error::custom(
                "invalid type: expected a number or a string",
            )),
        }
    }
}

/// A decimal amount (money, prices, quantities) kept as the digits the server sent, never
/// rounded through a float: `"19999.99"` stays `"19999.99"`.
///
/// Legacy methods send amounts as strings, D7 methods as JSON numbers; a `Decimal` serialises
/// back in the form it arrived in. Build one for a request from any integer (`5000.into()`),
/// a float (its shortest exact digits) or a string (sent as the string). Read it with
/// [`Decimal::as_str`] (the digits) or [`Decimal::to_f64`]. Any string is accepted, as the
/// documentation's examples hold placeholders, so `to_f64` may return `None`.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Decimal {
    digits: String,
    /// Sent as a JSON string rather than a number.
    quoted: bool,
}

impl Decimal {
    /// The digits as the server sent them (or as given).
    pub fn as_str(&self) -> &str {
        &self.digits
    }

    /// The amount as a float, if the digits are a number (this may round).
    pub fn to_f64(&self) -> Option<f64> {
        self.digits.trim().parse().ok()
    }

    /// Whether it is sent as a JSON string (`"19.99"`) rather than a number (`19.99`).
    pub fn is_quoted(&self) -> bool {
        self.quoted
    }

    /// An amount sent as a JSON number, from digits that came from a number.
    fn number(digits: String) -> Self {
        Decimal {
            digits,
            quoted: false,
        }
    }
}

impl Default for Decimal {
    fn default() -> Self {
        Decimal::number(String::from("0"))
    }
}

impl From<Numeric> for Decimal {
    /// A JSON number keeps its digits and is sent as a number; text is sent as the string.
    fn from(value: Numeric) -> Self {
        match value {
            Numeric::Number(number) => Decimal::number(number.to_string()),
            Numeric::Text(digits) => Decimal {
                digits,
                quoted: true,
            },
        }
    }
}

/// `From` every kind a [`Numeric`] takes, in its form: integers and floats (their shortest
/// digits) as JSON numbers, NaN and the infinities as their text for the server to reject,
/// strings as strings (as legacy methods take amounts).
macro_rules! decimal_as_numeric {
    ($($kind:ty),*) => {$(
        impl From<$kind> for Decimal {
            fn from(value: $kind) -> Self {
                Decimal::from(Numeric::from(value))
            }
        }
    )*};
}

decimal_as_numeric!(
    u8, u16, u32, u64, usize, i8, i16, i32, i64, isize, f64, String, &str
);

impl From<f32> for Decimal {
    /// The shortest digits of the `f32` itself (`0.1f32` → `0.1`, not the `f64` widening
    /// `0.10000000149011612`).
    fn from(value: f32) -> Self {
        if value.is_finite() {
            Decimal::number(value.to_string())
        } else {
            Decimal::from(value.to_string())
        }
    }
}

impl fmt::Display for Decimal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.digits)
    }
}

impl Serialize for Decimal {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        if self.quoted {
            return serializer.serialize_str(&self.digits);
        }
        // Unquoted digits came from a JSON number, an integer or a float's shortest digits,
        // so they read back exactly.
        if let Ok(unsigned) = self.digits.parse::<u64>() {
            serializer.serialize_u64(unsigned)
        } else if let Ok(signed) = self.digits.parse::<i64>() {
            serializer.serialize_i64(signed)
        } else {
            match self.digits.parse::<f64>() {
                Ok(float) => serializer.serialize_f64(float),
                Err(_) => serializer.serialize_str(&self.digits),
            }
        }
    }
}

impl<'de> Deserialize<'de> for Decimal {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Numeric::deserialize(deserializer)
            .map(Decimal::from)
            .map_err(|_| {
                serde::de::Error::custom("invalid type: expected a decimal number or string")
            })
    }
}

/// A boolean in whichever form the server used: `true`/`false`, `"Y"`/`"N"`, `1`/`0`,
/// `"1"`/`"0"`, `"true"`/`"false"` or `""`; serialises back in the same form.
///
/// Legacy methods use `"Y"`/`"N"`, D7 methods JSON booleans, some `0`/`1`. Build one for a
/// request with [`Flag::yes_no`] (legacy methods) or [`Flag::bool`] (D7 methods); read it
/// with [`Flag::get`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Flag {
    value: bool,
    form: FlagForm,
}

/// The wire form of a [`Flag`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum FlagForm {
    /// `"Y"` / `"N"`.
    #[default]
    YesNo,
    /// `"y"` / `"n"`.
    LowerYesNo,
    /// JSON `true` / `false`.
    Bool,
    /// JSON `1` / `0`.
    Number,
    /// `"1"` / `"0"`.
    DigitText,
    /// `"true"` / `"false"`.
    Word,
    /// `""`, read as false.
    Empty,
}

impl Flag {
    /// A flag sent as `"Y"` or `"N"`.
    pub const fn yes_no(value: bool) -> Self {
        Flag {
            value,
            form: FlagForm::YesNo,
        }
    }

    /// A flag sent as JSON `true` or `false`.
    pub const fn bool(value: bool) -> Self {
        Flag {
            value,
            form: FlagForm::Bool,
        }
    }

    /// A flag sent as JSON `1` or `0`.
    pub const fn number(value: bool) -> Self {
        Flag {
            value,
            form: FlagForm::Number,
        }
    }

    /// The value.
    pub const fn get(self) -> bool {
        self.value
    }

    /// The wire form.
    pub const fn form(self) -> FlagForm {
        self.form
    }
}

impl From<bool> for Flag {
    /// A flag in the `"Y"`/`"N"` form.
    fn from(value: bool) -> Self {
        Flag::yes_no(value)
    }
}

impl From<YesNo> for Flag {
    fn from(value: YesNo) -> Self {
        Flag::yes_no(value.0)
    }
}

impl From<Flag> for bool {
    fn from(value: Flag) -> Self {
        value.value
    }
}

impl Serialize for Flag {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let value = self.value;
        match self.form {
            FlagForm::YesNo => serializer.serialize_str(if value { "Y" } else { "N" }),
            FlagForm::LowerYesNo => serializer.serialize_str(if value { "y" } else { "n" }),
            FlagForm::Bool => serializer.serialize_bool(value),
            FlagForm::Number => serializer.serialize_u64(u64::from(value)),
            FlagForm::DigitText => serializer.serialize_str(if value { "1" } else { "0" }),
            FlagForm::Word => serializer.serialize_str(if value { "true" } else { "false" }),
            FlagForm::Empty => serializer.serialize_str(""),
        }
    }
}

impl<'de> Deserialize<'de> for Flag {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        use serde::de::{Error, Unexpected};
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Bool(bool),
            Unsigned(u64),
            Text(String),
        }
        let flag = |value, form| Ok(Flag { value, form });
        match Wire::deserialize(deserializer)
            .map_err(|_| D::Error::custom("invalid type: expected Y/N, a boolean or 0/1"))?
        {
            Wire::Bool(value) => flag(value, FlagForm::Bool),
            Wire::Unsigned(0) => flag(false, FlagForm::Number),
            Wire::Unsigned(1) => flag(true, FlagForm::Number),
            Wire::Unsigned(other) => Err(D::Error::invalid_value(
                Unexpected::Unsigned(other),
                &"Y/N, a boolean or 0/1",
            )),
            Wire::Text(text) => match text.as_str() {
                "Y" => flag(true, FlagForm::YesNo),
                "N" => flag(false, FlagForm::YesNo),
                "y" => flag(true, FlagForm::LowerYesNo),
                "n" => flag(false, FlagForm::LowerYesNo),
                "1" => flag(true, FlagForm::DigitText),
                "0" => flag(false, FlagForm::DigitText),
                "true" => flag(true, FlagForm::Word),
                "false" => flag(false, FlagForm::Word),
                "" => flag(false, FlagForm::Empty),
                other => Err(D::Error::invalid_value(
                    Unexpected::Str(other),
                    &"Y/N, a boolean or 0/1",
                )),
            },
        }
    }
}

/// A date or date-time as the server sends it, kept as the string it is.
///
/// `datetime` values are ISO-8601 with an offset (`2024-09-02T18:37:18+02:00`), `date` values
/// `YYYY-MM-DD`; some fields use other forms (`24.08.2023 13:19:39`), so no format is
/// enforced and the string round-trips unchanged. Parse it with the date library of your
/// choice.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(transparent)]
pub struct DateTime(pub String);

impl DateTime {
    /// The string as sent.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl From<&str> for DateTime {
    fn from(value: &str) -> Self {
        DateTime(value.to_owned())
    }
}

impl From<String> for DateTime {
    fn from(value: String) -> Self {
        DateTime(value)
    }
}

impl fmt::Display for DateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// A file to upload: its name and its content in base64 (without a `data:` prefix).
///
/// Serialises as the `[name, base64]` pair most methods take; [`FileData::wrapped`] gives the
/// `{"fileData": [name, base64]}` form of legacy CRM and catalog file fields. Both forms
/// deserialise and round-trip.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct FileData {
    /// File name, with extension.
    pub name: String,
    /// Content, base64-encoded.
    pub content: String,
    /// Sent as `{"fileData": [name, content]}` instead of `[name, content]`.
    pub wrapped: bool,
}

impl FileData {
    /// A `[name, base64]` pair.
    pub fn new(name: impl Into<String>, base64: impl Into<String>) -> Self {
        FileData {
            name: name.into(),
            content: base64.into(),
            wrapped: false,
        }
    }

    /// The same file in the `{"fileData": [name, base64]}` form.
    pub fn wrapped(mut self) -> Self {
        self.wrapped = true;
        self
    }
}

impl Serialize for FileData {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let pair = [&self.name, &self.content];
        if self.wrapped {
            let mut map = serializer.serialize_map(Some(1))?;
            map.serialize_entry("fileData", &pair)?;
            map.end()
        } else {
            pair.serialize(serializer)
        }
    }
}

impl<'de> Deserialize<'de> for FileData {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum Wire {
            Pair(String, String),
            Wrapped {
                #[serde(rename = "fileData")]
                file_data: (String, String),
            },
        }
        match Wire::deserialize(deserializer) {
            Ok(Wire::Pair(name, content)) => Ok(FileData::new(name, content)),
            Ok(Wire::Wrapped {
                file_data: (name, content),
            }) => Ok(FileData::new(name, content).wrapped()),
            Err(_) => Err(serde::de::Error::custom(
                "invalid file: expected [name, base64] or {\"fileData\": [name, base64]}",
            )),
        }
    }
}

/// One entry of a CRM multi-field (`PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`):
/// `{"ID", "VALUE_TYPE", "VALUE", "TYPE_ID"}`.
///
/// On update, pass `ID` to change an entry, and `ID` with `DELETE: "Y"` (or an empty `VALUE`)
/// to delete it. Other keys are kept in `extra`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct MultiField {
    /// The entry's ID (absent when adding).
    #[serde(rename = "ID", default, skip_serializing_if = "Option::is_none")]
    pub id: Option<Numeric>,
    /// The value: a phone number, an address, a link.
    #[serde(rename = "VALUE", default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// The kind of value: `WORK`, `MOBILE`, `HOME`, `OTHER`, ...
    #[serde(
        rename = "VALUE_TYPE",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub value_type: Option<String>,
    /// The multi-field: `PHONE`, `EMAIL`, `WEB`, `IM`, `LINK`.
    #[serde(rename = "TYPE_ID", default, skip_serializing_if = "Option::is_none")]
    pub type_id: Option<String>,
    /// `Y` deletes the entry on update.
    #[serde(rename = "DELETE", default, skip_serializing_if = "Option::is_none")]
    pub delete: Option<Flag>,
    /// Other keys, as sent.
    #[serde(flatten)]
    pub extra: serde_json::Map<String, serde_json::Value>,
}

impl MultiField {
    /// A new entry with a value and its kind (`"WORK"`, `"MOBILE"`, ...).
    pub fn new(value: impl Into<String>, value_type: impl Into<String>) -> Self {
        MultiField {
            value: Some(value.into()),
            value_type: Some(value_type.into()),
            ..MultiField::default()
        }
    }
}

pub mod de;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_numeric_kind_converts() {
        let expected = Numeric::Number(2.into());
        assert_eq!(Numeric::from(2), expected);
        assert_eq!(Numeric::from(2u8), expected);
        assert_eq!(Numeric::from(2usize), expected);
        assert_eq!(Numeric::from(-2i16).as_i64(), Some(-2));
        assert_eq!(Numeric::from(19.5).as_f64(), Some(19.5));
        assert_eq!(
            serde_json::to_string(&Numeric::from(19.5f32)).unwrap(),
            "19.5"
        );
        assert_eq!(Numeric::from(String::from("7")), Numeric::Text("7".into()));
        assert_eq!(Numeric::from(Id::from(7u32)).as_u64(), Some(7));
        // JSON has no NaN: it is sent as text, for the server to refuse, never a panic.
        assert_eq!(Numeric::from(f64::NAN), Numeric::Text("NaN".into()));
        assert_eq!(u64::from(Id::from(9u16)), 9);
    }

    #[test]
    fn ids_convert_from_every_integer_kind_and_text() {
        assert_eq!(Id::from(7u8), Id(7));
        assert_eq!(Id::from(7usize), Id(7));
        assert_eq!(Id::from(u64::MAX), Id(u64::MAX));
        assert_eq!(Id::try_from(7i8), Ok(Id(7)));
        assert_eq!(Id::try_from(7i32), Ok(Id(7)));
        assert_eq!(Id::try_from(i64::MAX), Ok(Id(i64::MAX as u64)));
        assert_eq!(Id::try_from(7isize), Ok(Id(7)));
        assert_eq!(Id::try_from(-1i32), Err(InvalidId(String::from("-1"))));
        assert_eq!(Id::try_from(" 37 "), Ok(Id(37)));
        assert_eq!(Id::try_from(String::from("37")), Ok(Id(37)));
        let error = Id::try_from("abc").unwrap_err();
        assert_eq!(
            error.to_string(),
            "not an ID (an unsigned integer): \"abc\""
        );
        assert!("-5".parse::<Id>().is_err());
        assert!("".parse::<Id>().is_err());
    }

    #[test]
    fn decimals_keep_the_digits_and_form_sent() {
        for json in ["\"19999.99\"", "19999.99", "\"0.10\"", "5000", "-3", "\"\""] {
            let decimal: Decimal = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&decimal).unwrap(), json, "{json}");
        }
        let quoted: Decimal = serde_json::from_str("\"0.10\"").unwrap();
        assert_eq!(quoted.as_str(), "0.10");
        assert!(quoted.is_quoted());
        assert_eq!(quoted.to_f64(), Some(0.1));
        let number: Decimal = serde_json::from_str("19999.99").unwrap();
        assert_eq!((number.as_str(), number.is_quoted()), ("19999.99", false));
        // A number in exponent form keeps its value (JSON spells exponents either way).
        let large: Decimal = serde_json::from_str("1e21").unwrap();
        let back: f64 = serde_json::from_str(&serde_json::to_string(&large).unwrap()).unwrap();
        assert_eq!(back, 1e21);
        assert!(serde_json::from_str::<Decimal>("true").is_err());
        assert!(serde_json::from_str::<Decimal>("{}").is_err());
    }

    #[test]
    fn decimals_convert_from_every_numeric_kind_and_text() {
        let sent = |decimal: Decimal| serde_json::to_string(&decimal).unwrap();
        assert_eq!(sent(5000.into()), "5000");
        assert_eq!(sent(7u8.into()), "7");
        assert_eq!(sent(7usize.into()), "7");
        assert_eq!(sent((-7i64).into()), "-7");
        assert_eq!(sent(u64::MAX.into()), u64::MAX.to_string());
        assert_eq!(sent(19.99.into()), "19.99");
        assert_eq!(sent(0.1f32.into()), "0.1");
        assert_eq!(sent("19.90".into()), "\"19.90\"");
        assert_eq!(sent(String::from("19.90").into()), "\"19.90\"");
        assert_eq!(sent(f64::NAN.into()), "\"NaN\"");
        assert_eq!(Decimal::from(19.99).to_string(), "19.99");
        assert_eq!(Decimal::default().as_str(), "0");
    }

    #[test]
    fn yes_no_forms() {
        for (json, expected) in [
            ("\"Y\"", true),
            ("\"N\"", false),
            ("true", true),
            ("0", false),
            ("\"1\"", true),
        ] {
            let value: YesNo = serde_json::from_str(json).unwrap();
            assert_eq!(value.0, expected, "{json}");
        }
        assert!(serde_json::from_str::<YesNo>("\"maybe\"").is_err());
        assert_eq!(serde_json::to_string(&YesNo(true)).unwrap(), "\"Y\"");
    }

    #[test]
    fn ids_from_numbers_and_strings() {
        assert_eq!(serde_json::from_str::<Id>("37").unwrap(), Id(37));
        assert_eq!(serde_json::from_str::<Id>("\"37\"").unwrap(), Id(37));
        assert!(serde_json::from_str::<Id>("\"abc\"").is_err());
        assert!(serde_json::from_str::<Id>("-1").is_err());
        assert_eq!(serde_json::to_string(&Id(5)).unwrap(), "5");
    }

    #[test]
    fn empty_accepts_what_deletes_return() {
        for json in ["null", "true", "[]", "{}"] {
            assert_eq!(
                serde_json::from_str::<Empty>(json).unwrap(),
                Empty,
                "{json}"
            );
        }
    }

    #[test]
    fn strings_or_false() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(default, deserialize_with = "de::string_or_false")]
            idle: Option<String>,
        }
        let holder: Holder = serde_json::from_str(r#"{"idle": false}"#).unwrap();
        assert_eq!(holder.idle, None);
        let holder: Holder =
            serde_json::from_str(r#"{"idle": "2024-01-01T10:00:00+03:00"}"#).unwrap();
        assert_eq!(holder.idle.as_deref(), Some("2024-01-01T10:00:00+03:00"));
        let holder: Holder = serde_json::from_str(r#"{}"#).unwrap();
        assert_eq!(holder.idle, None);
    }

    #[test]
    fn empty_array_is_an_empty_map() {
        #[derive(Deserialize)]
        struct Holder {
            #[serde(deserialize_with = "de::empty_array_as_default")]
            map: std::collections::BTreeMap<String, u32>,
        }
        let holder: Holder = serde_json::from_str(r#"{"map": []}"#).unwrap();
        assert!(holder.map.is_empty());
        let holder: Holder = serde_json::from_str(r#"{"map": {"a": 1}}"#).unwrap();
        assert_eq!(holder.map["a"], 1);
    }

    #[test]
    fn numerics_keep_their_wire_form() {
        for json in ["37", "\"37\"", "19999.99", "\"19999.99\"", "-5", "\"\""] {
            let value: Numeric = serde_json::from_str(json).unwrap();
            assert_eq!(serde_json::to_string(&value).unwrap(), json);
        }
        let id: Numeric = serde_json::from_str("\"37\"").unwrap();
        assert_eq!(id.as_u64(), Some(37));
        assert_eq!(Numeric::from(5_u64).as_i64(), Some(5));
        assert!(serde_json::from_str::<Numeric>("true").is_err());
        assert!(serde_json::from_str::<Numeric>("{}").is_err());
    }

    #[test]
    fn flags_keep_their_wire_form() {
        for (json, value) in [
            ("\"Y\"", true),
            ("\"N\"", false),
            ("true", true),
            ("false", false),
            ("1", true),
            ("0", false),
            ("\"1\"", true),
            ("\"0\"", false),
            ("\"y\"", true),
            ("\"false\"", false),
            ("\"\"", false),
        ] {
            let flag: Flag = serde_json::from_str(json).unwrap();
            assert_eq!(flag.get(), value, "{json}");
            assert_eq!(serde_json::to_string(&flag).unwrap(), json);
        }
        assert!(serde_json::from_str::<Flag>("\"maybe\"").is_err());
        assert!(serde_json::from_str::<Flag>("2").is_err());
        assert_eq!(serde_json::to_string(&Flag::from(true)).unwrap(), "\"Y\"");
        assert_eq!(serde_json::to_string(&Flag::bool(false)).unwrap(), "false");
    }

    #[test]
    fn dates_are_kept_as_sent() {
        let date: DateTime = serde_json::from_str("\"2024-09-02T18:37:18+02:00\"").unwrap();
        assert_eq!(date.as_str(), "2024-09-02T18:37:18+02:00");
        assert_eq!(
            serde_json::to_string(&date).unwrap(),
            "\"2024-09-02T18:37:18+02:00\""
        );
    }

    #[test]
    fn files_in_both_forms() {
        let pair: FileData = serde_json::from_str(r#"["a.png", "iVBO"]"#).unwrap();
        assert_eq!(pair, FileData::new("a.png", "iVBO"));
        assert_eq!(serde_json::to_string(&pair).unwrap(), r#"["a.png","iVBO"]"#);
        let wrapped: FileData = serde_json::from_str(r#"{"fileData": ["a.png", "iVBO"]}"#).unwrap();
        assert!(wrapped.wrapped);
        assert_eq!(
            serde_json::to_string(&wrapped).unwrap(),
            r#"{"fileData":["a.png","iVBO"]}"#
        );
        assert!(serde_json::from_str::<FileData>("\"iVBO\"").is_err());
    }

    #[test]
    fn multi_fields_round_trip() {
        let json = r#"{"ID":"12","VALUE":"+1 555","VALUE_TYPE":"WORK","TYPE_ID":"PHONE","X":1}"#;
        let entry: MultiField = serde_json::from_str(json).unwrap();
        assert_eq!(entry.id.as_ref().and_then(Numeric::as_u64), Some(12));
        assert_eq!(entry.extra["X"], 1);
        let back: serde_json::Value = serde_json::to_value(&entry).unwrap();
        assert_eq!(
            back,
            serde_json::from_str::<serde_json::Value>(json).unwrap()
        );
        let new = MultiField::new("a@example.com", "WORK");
        assert_eq!(
            serde_json::to_string(&new).unwrap(),
            r#"{"VALUE":"a@example.com","VALUE_TYPE":"WORK"}"#
        );
    }
}
