//! UTCTime and GeneralizedTime (X.680 §46–47; RFC 5280 §4.1.2.5) to seconds
//! since the Unix epoch, and back to RFC 3339 for display.

use super::{Tag, Tlv};
use crate::error::{Error, Result};

/// Seconds since 1970-01-01T00:00:00Z (negative before).
pub type UnixTime = i64;

fn digits(s: &[u8], what: &str) -> Result<i64> {
    if s.is_empty() || !s.iter().all(u8::is_ascii_digit) {
        return Err(Error::malformed(format!("bad {what}")));
    }
    Ok(s.iter().fold(0i64, |a, d| a.saturating_mul(10).saturating_add(i64::from(d.saturating_sub(b'0')))))
}

/// Days from 1970-01-01 to the civil date (proleptic Gregorian).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    // Howard Hinnant's algorithm, written out with saturating arithmetic; the
    // inputs are bounded (years 0..=9999) so nothing saturates in practice.
    let y = if m <= 2 { y.saturating_sub(1) } else { y };
    let era = y.div_euclid(400);
    let yoe = y.saturating_sub(era.saturating_mul(400));
    let mp = if m > 2 { m.saturating_sub(3) } else { m.saturating_add(9) };
    let doy = ((153i64.saturating_mul(mp).saturating_add(2)) / 5).saturating_add(d.saturating_sub(1));
    let doe = yoe.saturating_mul(365).saturating_add(yoe / 4).saturating_sub(yoe / 100).saturating_add(doy);
    era.saturating_mul(146_097).saturating_add(doe).saturating_sub(719_468)
}

fn days_in_month(y: i64, m: i64) -> i64 {
    match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        _ => {
            let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
            if leap {
                29
            } else {
                28
            }
        }
    }
}

/// Build a timestamp from validated fields.
pub fn from_fields(y: i64, mo: i64, d: i64, h: i64, mi: i64, s: i64) -> Result<UnixTime> {
    if !(1..=12).contains(&mo) || d < 1 || d > days_in_month(y, mo) || h > 23 || mi > 59 || s > 60 {
        return Err(Error::malformed("time field out of range"));
    }
    // A leap second is read as the following second.
    Ok(days_from_civil(y, mo, d)
        .saturating_mul(86_400)
        .saturating_add(h.saturating_mul(3600))
        .saturating_add(mi.saturating_mul(60))
        .saturating_add(s))
}

fn sub(s: &[u8], a: usize, b: usize) -> Result<&[u8]> {
    s.get(a..b).ok_or_else(|| Error::malformed("time too short"))
}

/// Parse the time zone suffix: `Z` or `+hhmm`/`-hhmm` (BER); returns the
/// offset in seconds to subtract.
fn zone(rest: &[u8]) -> Result<i64> {
    match rest {
        b"Z" => Ok(0),
        [sign @ (b'+' | b'-'), hh1, hh2, mm1, mm2] => {
            let h = digits(&[*hh1, *hh2], "time zone")?;
            let m = digits(&[*mm1, *mm2], "time zone")?;
            if h > 23 || m > 59 {
                return Err(Error::malformed("bad time zone"));
            }
            let off = h.saturating_mul(3600).saturating_add(m.saturating_mul(60));
            Ok(if *sign == b'+' { off } else { off.saturating_neg() })
        }
        _ => Err(Error::malformed("time without a time zone")),
    }
}

/// UTCTime: YYMMDDHHMM[SS](Z|±hhmm). Years 50–99 are 19xx, 00–49 are 20xx
/// (RFC 5280 §4.1.2.5.1).
pub fn parse_utc_time(s: &[u8]) -> Result<UnixTime> {
    let yy = digits(sub(s, 0, 2)?, "UTCTime")?;
    let y = if yy >= 50 { 1900i64.saturating_add(yy) } else { 2000i64.saturating_add(yy) };
    let mo = digits(sub(s, 2, 4)?, "UTCTime")?;
    let d = digits(sub(s, 4, 6)?, "UTCTime")?;
    let h = digits(sub(s, 6, 8)?, "UTCTime")?;
    let mi = digits(sub(s, 8, 10)?, "UTCTime")?;
    let (sec, rest) = match s.get(10..12) {
        Some(ss) if ss.iter().all(u8::is_ascii_digit) => (digits(ss, "UTCTime")?, s.get(12..).unwrap_or(&[])),
        _ => (0, s.get(10..).unwrap_or(&[])),
    };
    let t = from_fields(y, mo, d, h, mi, sec)?;
    Ok(t.saturating_sub(zone(rest)?))
}

/// GeneralizedTime: YYYYMMDDHH[MM[SS[.fff]]](Z|±hhmm). Fractions are
/// truncated to whole seconds.
pub fn parse_generalized_time(s: &[u8]) -> Result<UnixTime> {
    let y = digits(sub(s, 0, 4)?, "GeneralizedTime")?;
    let mo = digits(sub(s, 4, 6)?, "GeneralizedTime")?;
    let d = digits(sub(s, 6, 8)?, "GeneralizedTime")?;
    let h = digits(sub(s, 8, 10)?, "GeneralizedTime")?;
    let mut pos = 10usize;
    let field = |pos: &mut usize| -> Result<i64> {
        match s.get(*pos..pos.saturating_add(2)) {
            Some(v) if v.iter().all(u8::is_ascii_digit) => {
                *pos = pos.saturating_add(2);
                digits(v, "GeneralizedTime")
            }
            _ => Ok(0),
        }
    };
    let mi = field(&mut pos)?;
    let sec = field(&mut pos)?;
    if matches!(s.get(pos), Some(b'.' | b',')) {
        pos = pos.saturating_add(1);
        let frac = s.get(pos..).unwrap_or(&[]).iter().take_while(|c| c.is_ascii_digit()).count();
        if frac == 0 {
            return Err(Error::malformed("bad GeneralizedTime fraction"));
        }
        pos = pos.saturating_add(frac);
    }
    let t = from_fields(y, mo, d, h, mi, sec)?;
    Ok(t.saturating_sub(zone(s.get(pos..).unwrap_or(&[]))?))
}

/// Parse a Time CHOICE element (UTCTime or GeneralizedTime).
pub fn parse_time(t: &Tlv<'_>) -> Result<UnixTime> {
    if t.tag == Tag::universal(23, false) {
        parse_utc_time(t.content)
    } else if t.tag == Tag::universal(24, false) {
        parse_generalized_time(t.content)
    } else {
        Err(Error::malformed("expected UTCTime or GeneralizedTime"))
    }
}

/// RFC 3339 UTC form, e.g. `2024-06-01T12:00:00Z`.
pub fn to_rfc3339(t: UnixTime) -> String {
    let days = t.div_euclid(86_400);
    let secs = t.rem_euclid(86_400);
    // Inverse of days_from_civil.
    let z = days.saturating_add(719_468);
    let era = z.div_euclid(146_097);
    let doe = z.saturating_sub(era.saturating_mul(146_097));
    let yoe = (doe.saturating_sub(doe / 1460).saturating_add(doe / 36_524).saturating_sub(doe / 146_096)) / 365;
    let y = yoe.saturating_add(era.saturating_mul(400));
    let doy = doe.saturating_sub(yoe.saturating_mul(365).saturating_add(yoe / 4).saturating_sub(yoe / 100));
    let mp = (doy.saturating_mul(5).saturating_add(2)) / 153;
    let d = doy.saturating_sub((mp.saturating_mul(153).saturating_add(2)) / 5).saturating_add(1);
    let m = if mp < 10 { mp.saturating_add(3) } else { mp.saturating_sub(9) };
    let y = if m <= 2 { y.saturating_add(1) } else { y };
    format!("{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z", secs / 3600, (secs % 3600) / 60, secs % 60)
}

/// Parse an RFC 3339 timestamp (`2020-01-01T00:00:00Z`, offsets allowed,
/// fractions truncated). Used for caller-supplied times.
pub fn parse_rfc3339(s: &str) -> Result<UnixTime> {
    let b = s.as_bytes();
    let bad = || Error::new(crate::Code::InvalidArgument, format!("not an RFC 3339 time: {s:?}"));
    let num = |a: usize, z: usize| -> Result<i64> { digits(b.get(a..z).ok_or_else(bad)?, "RFC 3339 time").map_err(|_| bad()) };
    if b.get(4) != Some(&b'-')
        || b.get(7) != Some(&b'-')
        || !matches!(b.get(10), Some(b'T' | b't' | b' '))
        || b.get(13) != Some(&b':')
        || b.get(16) != Some(&b':')
    {
        return Err(bad());
    }
    let t = from_fields(num(0, 4)?, num(5, 7)?, num(8, 10)?, num(11, 13)?, num(14, 16)?, num(17, 19)?).map_err(|_| bad())?;
    let mut pos = 19usize;
    if b.get(pos) == Some(&b'.') {
        pos = pos.saturating_add(1);
        pos = pos.saturating_add(b.get(pos..).unwrap_or(&[]).iter().take_while(|c| c.is_ascii_digit()).count());
    }
    let rest = b.get(pos..).unwrap_or(&[]);
    let off = match rest {
        b"Z" | b"z" => 0,
        [sign @ (b'+' | b'-'), h1, h2, b':', m1, m2] => {
            let h = digits(&[*h1, *h2], "offset").map_err(|_| bad())?;
            let m = digits(&[*m1, *m2], "offset").map_err(|_| bad())?;
            let o = h.saturating_mul(3600).saturating_add(m.saturating_mul(60));
            if *sign == b'+' {
                o
            } else {
                o.saturating_neg()
            }
        }
        _ => return Err(bad()),
    };
    Ok(t.saturating_sub(off))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table() {
        let cases: &[(&[u8], bool, &str)] = &[
            (b"500101000000Z", false, "1950-01-01T00:00:00Z"),
            (b"491231235959Z", false, "2049-12-31T23:59:59Z"),
            (b"240601120000Z", false, "2024-06-01T12:00:00Z"),
            (b"2401011200Z", false, "2024-01-01T12:00:00Z"),
            (b"240601120000+0200", false, "2024-06-01T10:00:00Z"),
            (b"20500101000000Z", true, "2050-01-01T00:00:00Z"),
            (b"99991231235959Z", true, "9999-12-31T23:59:59Z"),
            (b"20240229120000.123Z", true, "2024-02-29T12:00:00Z"),
            (b"19700101000000Z", true, "1970-01-01T00:00:00Z"),
        ];
        for (input, generalized, want) in cases {
            let t = if *generalized { parse_generalized_time(input) } else { parse_utc_time(input) }.unwrap();
            assert_eq!(to_rfc3339(t), *want, "{}", String::from_utf8_lossy(input));
            assert_eq!(parse_rfc3339(want).unwrap(), t);
        }
        for bad in [&b"20230229120000Z"[..], b"20241301000000Z", b"2024010112", b"240101120000", b"24010112000Z"] {
            assert!(parse_generalized_time(bad).is_err() || parse_utc_time(bad).is_err());
        }
        assert!(parse_rfc3339("2020-01-01").is_err());
        assert_eq!(parse_rfc3339("2020-01-01T01:00:00+01:00").unwrap(), parse_rfc3339("2020-01-01T00:00:00Z").unwrap());
    }
}
