//! Wire scalars of the R7 API: GUIDs and `ApiDateTime` dates.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};
use time::{OffsetDateTime, UtcOffset};

/// `Debug` as `Name(text)`, and serde through the text form (`Display` / `FromStr`): for
/// scalars the server writes as strings.
macro_rules! text_scalar {
    ($($name:ident),*) => {$(
        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, concat!(stringify!($name), "({})"), self)
            }
        }

        impl Serialize for $name {
            fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                serializer.collect_str(self)
            }
        }

        impl<'de> Deserialize<'de> for $name {
            fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                let text = String::deserialize(deserializer)?;
                text.parse().map_err(serde::de::Error::custom)
            }
        }
    )*};
}

text_scalar!(Guid, ApiDateTime);

/// A .NET GUID such as a user ID (`createBy.id`, `accessList`, `responsibleid`).
///
/// Parsed from any of the usual forms (hyphenated, 32 hex digits, in braces, any case) and
/// written lower-case and hyphenated, as the server writes it.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Guid(u128);

impl Guid {
    /// `00000000-0000-0000-0000-000000000000`, the server's "no user".
    pub const EMPTY: Guid = Guid(0);

    /// A GUID from its 128-bit value.
    pub const fn from_u128(value: u128) -> Guid {
        Guid(value)
    }

    /// The 128-bit value.
    pub const fn as_u128(self) -> u128 {
        self.0
    }

    /// Whether this is [`Guid::EMPTY`].
    pub const fn is_empty(self) -> bool {
        self.0 == 0
    }
}

/// A string that is not a GUID.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid GUID: expected 32 hexadecimal digits, optionally hyphenated or in braces")]
pub struct InvalidGuid;

impl FromStr for Guid {
    type Err = InvalidGuid;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        let text = text.trim();
        let text = text
            .strip_prefix('{')
            .and_then(|rest| rest.strip_suffix('}'))
            .unwrap_or(text);
        let hex: String = match text.len() {
            36 => {
                let dashes = [8, 13, 18, 23];
                if !dashes.iter().all(|&index| text.as_bytes()[index] == b'-') {
                    return Err(InvalidGuid);
                }
                text.chars().filter(|c| *c != '-').collect()
            }
            32 => text.to_owned(),
            _ => return Err(InvalidGuid),
        };
        if hex.len() != 32 || !hex.chars().all(|c| c.is_ascii_hexdigit()) {
            return Err(InvalidGuid);
        }
        u128::from_str_radix(&hex, 16)
            .map(Guid)
            .map_err(|_| InvalidGuid)
    }
}

impl fmt::Display for Guid {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let hex = format!("{:032x}", self.0);
        write!(
            f,
            "{}-{}-{}-{}-{}",
            &hex[..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..]
        )
    }
}

/// A date as the server writes it (`ApiDateTime`): `2022-10-07T10:03:01.4878919Z` or
/// `2010-07-07T17:06:03.5845502+03:00`, in the portal's time zone with its offset.
///
/// Any RFC 3339 date is read. It is written with exactly seven fractional digits and an
/// explicit offset (`Z` for UTC): the server rejects other fraction lengths, and reads a date
/// without an offset in the portal's zone. `0001-01-01T00:00:00.0000000Z` means "no date":
/// see [`ApiDateTime::get`].
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ApiDateTime(OffsetDateTime);

impl ApiDateTime {
    /// Wraps a date.
    pub const fn new(date: OffsetDateTime) -> ApiDateTime {
        ApiDateTime(date)
    }

    /// The current time in UTC.
    pub fn now_utc() -> ApiDateTime {
        ApiDateTime(OffsetDateTime::now_utc())
    }

    /// The date, or `None` for the server's "no date" (`0001-01-01T00:00:00`).
    pub fn get(self) -> Option<OffsetDateTime> {
        (self.0.year() > 1).then_some(self.0)
    }

    /// The date as sent, including the "no date" value.
    pub const fn raw(self) -> OffsetDateTime {
        self.0
    }

    /// The offset of the portal's time zone the date was written in.
    pub fn offset(self) -> UtcOffset {
        self.0.offset()
    }
}

impl From<OffsetDateTime> for ApiDateTime {
    fn from(date: OffsetDateTime) -> Self {
        ApiDateTime(date)
    }
}

/// A string that is not an `ApiDateTime`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("invalid date `{0}`: expected ISO 8601 with an offset, e.g. 2022-10-07T10:03:01.4878919Z")]
pub struct InvalidDate(String);

impl FromStr for ApiDateTime {
    type Err = InvalidDate;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        OffsetDateTime::parse(text.trim(), &time::format_description::well_known::Rfc3339)
            .map(ApiDateTime)
            .map_err(|_| InvalidDate(text.chars().take(64).collect()))
    }
}

impl fmt::Display for ApiDateTime {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let date = self.0;
        write!(
            f,
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:07}",
            date.year(),
            u8::from(date.month()),
            date.day(),
            date.hour(),
            date.minute(),
            date.second(),
            date.nanosecond() / 100
        )?;
        let offset = date.offset();
        if offset.is_utc() {
            f.write_str("Z")
        } else {
            let (hours, minutes, _) = offset.as_hms();
            let sign = if offset.is_negative() { '-' } else { '+' };
            write!(f, "{sign}{:02}:{:02}", hours.abs(), minutes.abs())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guids_round_trip_lower_case() {
        let guid: Guid = "9924256A-739C-462b-AF15-E652A3B1B6EB".parse().unwrap();
        assert_eq!(guid.to_string(), "9924256a-739c-462b-af15-e652a3b1b6eb");
        assert_eq!(
            "{9924256a739c462baf15e652a3b1b6eb}"
                .parse::<Guid>()
                .unwrap(),
            guid
        );
        assert!("9924256A-739C-462b-AF15".parse::<Guid>().is_err());
        assert!(Guid::EMPTY.to_string().starts_with("00000000-0000"));
    }

    #[test]
    fn dates_keep_seven_digits_and_the_offset() {
        for text in [
            "2022-10-07T10:03:01.4878919Z",
            "2010-07-07T17:06:03.5845502+03:00",
            "2010-07-07T17:06:03.0000000-05:30",
        ] {
            let date: ApiDateTime = text.parse().unwrap();
            assert_eq!(date.to_string(), text);
        }
        let none: ApiDateTime = "0001-01-01T00:00:00.0000000Z".parse().unwrap();
        assert_eq!(none.get(), None);
        assert!("2022-10-07T10:03:01".parse::<ApiDateTime>().is_err());
    }
}
