//! Dates as the server writes and reads them: `ApiDateTime` with seven fractional digits and
//! the portal's offset, as Unix 100-ns ticks inside the emulator.

use std::time::{SystemTime, UNIX_EPOCH};

/// Now as Unix 100-ns ticks.
pub fn now_ticks() -> i128 {
    let now = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default();
    i128::from(now.as_secs()) * 10_000_000 + i128::from(now.subsec_nanos() / 100)
}

/// Formats ticks as `ApiDateTime` in the portal's zone: seven fractional digits and an offset.
pub fn format_date(ticks: i128, offset_minutes: i32) -> String {
    let local = ticks + i128::from(offset_minutes) * 60 * 10_000_000;
    let fraction = local.rem_euclid(10_000_000);
    let seconds = local.div_euclid(10_000_000);
    let days = seconds.div_euclid(86_400);
    let in_day = seconds.rem_euclid(86_400);
    let (year, month, day) = civil_from_days(days);
    let offset = if offset_minutes == 0 {
        String::from("Z")
    } else {
        let sign = if offset_minutes < 0 { '-' } else { '+' };
        let minutes = offset_minutes.unsigned_abs();
        format!("{sign}{:02}:{:02}", minutes / 60, minutes % 60)
    };
    format!(
        "{year:04}-{month:02}-{day:02}T{:02}:{:02}:{:02}.{fraction:07}{offset}",
        in_day / 3600,
        in_day % 3600 / 60,
        in_day % 60
    )
}

/// Parses the date formats the server accepts: `yyyy-MM-ddTHH:mm:ss[.fffffff|.fff][K]` and
/// `yyyy-MM-dd`; a date without an offset is read in the portal's zone. Other fraction lengths
/// are rejected, as on the server.
pub fn parse_date(text: &str, offset_minutes: i32) -> Option<i128> {
    let text = text.trim();
    let (date, rest) = text.split_at_checked(10)?;
    let mut parts = date.split('-');
    let year: i64 = parts.next()?.parse().ok()?;
    let month: u32 = parts.next()?.parse().ok()?;
    let day: u32 = parts.next()?.parse().ok()?;
    if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
        return None;
    }
    let days = days_from_civil(year, month, day);
    let mut seconds = i128::from(days) * 86_400;
    let mut fraction = 0i128;
    let mut offset = i128::from(offset_minutes) * 60;
    if !rest.is_empty() {
        let rest = rest.strip_prefix('T')?;
        let time = rest.get(..8)?;
        let separator = time.as_bytes()[2];
        if separator != b':' && separator != b'-' {
            return None;
        }
        let fields: Vec<i128> = time
            .split([':', '-'])
            .map(|part| part.parse().ok())
            .collect::<Option<_>>()?;
        let [hours, minutes, secs] = fields.as_slice() else {
            return None;
        };
        seconds += hours * 3600 + minutes * 60 + secs;
        let mut tail = &rest[8..];
        if let Some(after) = tail.strip_prefix('.') {
            let digits = after.chars().take_while(char::is_ascii_digit).count();
            let value: i128 = after[..digits].parse().ok()?;
            fraction = match digits {
                7 => value,
                3 => value * 10_000,
                _ => return None,
            };
            tail = &after[digits..];
        }
        if tail == "Z" {
            offset = 0;
        } else if !tail.is_empty() {
            let sign = match tail.as_bytes()[0] {
                b'+' => 1,
                b'-' => -1,
                _ => return None,
            };
            let (hours, minutes) = tail[1..].split_once(':')?;
            let hours: i128 = hours.parse().ok()?;
            let minutes: i128 = minutes.parse().ok()?;
            offset = sign * (hours * 3600 + minutes * 60);
        }
    }
    Some((seconds - offset) * 10_000_000 + fraction)
}

fn civil_from_days(days: i128) -> (i128, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let day = u32::try_from(doy - (153 * mp + 2) / 5 + 1).unwrap_or(1);
    let month = u32::try_from(if mp < 10 { mp + 3 } else { mp - 9 }).unwrap_or(1);
    let year = yoe + era * 400 + i128::from(month <= 2);
    (year, month, day)
}

fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
    let year = if month <= 2 { year - 1 } else { year };
    let era = year.div_euclid(400);
    let yoe = year.rem_euclid(400);
    let month = i64::from(month);
    let mp = if month > 2 { month - 3 } else { month + 9 };
    let doy = (153 * mp + 2) / 5 + i64::from(day) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::r7::state::SEED_TIME;

    #[test]
    fn dates_round_trip_with_seven_digits() {
        assert_eq!(format_date(SEED_TIME, 0), "2022-10-07T10:03:01.4878919Z");
        assert_eq!(
            format_date(SEED_TIME, 180),
            "2022-10-07T13:03:01.4878919+03:00"
        );
        assert_eq!(
            parse_date("2022-10-07T10:03:01.4878919Z", 180),
            Some(SEED_TIME)
        );
        assert_eq!(
            parse_date("2022-10-07T13:03:01.4878919+03:00", 0),
            Some(SEED_TIME)
        );
        assert_eq!(
            parse_date("2022-10-07T13:03:01", 180),
            Some(SEED_TIME - 4_878_919)
        );
        assert_eq!(parse_date("2022-10-07T10:03:01.48789190Z", 0), None);
        assert_eq!(parse_date("2022-10-07T10:03:01.48Z", 0), None);
        assert!(parse_date("2022-10-07", 0).is_some());
    }
}
