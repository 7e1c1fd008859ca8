//! The known disagreements (tests/fixtures/oracle-exceptions.tsv): where one
//! reader is stricter or looser on purpose. Every mismatch must be listed,
//! and every listed exception must still occur.

use super::{Mismatch, UNDECODABLE};

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Side {
    Ours,
    Oracle,
}

#[derive(Clone, Debug)]
pub struct Exception {
    /// Line in the file, for messages.
    pub line: usize,
    /// Glob (`*` only) over structure ids.
    pub structure: String,
    /// Glob over field names (`decode` for a structure one side refuses).
    pub field: String,
    pub stricter: Side,
    pub reason: String,
}

pub const HEADER: &str = "structure\tfield\tstricter\treason";

pub fn parse(text: &str) -> Result<Vec<Exception>, String> {
    let mut lines = text.lines().enumerate().filter(|(_, l)| !l.starts_with('#') && !l.trim().is_empty());
    match lines.next() {
        Some((_, h)) if h == HEADER => {}
        other => return Err(format!("first line must be `{HEADER}`, found {other:?}")),
    }
    lines
        .map(|(i, l)| {
            let c: Vec<&str> = l.split('\t').collect();
            let [structure, field, stricter, reason] = c.as_slice() else {
                return Err(format!("line {}: want 4 tab-separated columns: {l}", i + 1));
            };
            let stricter = match *stricter {
                "ours" => Side::Ours,
                "oracle" => Side::Oracle,
                s => return Err(format!("line {}: stricter must be `ours` or `oracle`, not {s:?}", i + 1)),
            };
            if reason.trim().len() < 20 {
                return Err(format!("line {}: the reason must say why (and cite the rule)", i + 1));
            }
            Ok(Exception { line: i + 1, structure: structure.to_string(), field: field.to_string(), stricter, reason: reason.to_string() })
        })
        .collect()
}

/// `*` matches any run of characters; everything else is literal.
pub fn glob(pattern: &str, s: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    let [first, middle @ .., last] = parts.as_slice() else { return pattern == s };
    if parts.len() == 1 {
        return pattern == s;
    }
    let Some(mut rest) = s.strip_prefix(first) else { return false };
    for m in middle {
        match rest.find(m) {
            Some(i) => rest = &rest[i + m.len()..],
            None => return false,
        }
    }
    rest.len() >= last.len() && rest.ends_with(last)
}

/// Which side refused, when the mismatch says so.
fn refusing_side(m: &Mismatch) -> Option<Side> {
    let o = m.ours.starts_with(UNDECODABLE);
    let t = m.theirs.starts_with(UNDECODABLE);
    match (o, t) {
        (true, false) => Some(Side::Ours),
        (false, true) => Some(Side::Oracle),
        _ => None,
    }
}

/// The outcome of applying the list.
#[derive(Debug, Default)]
pub struct Applied {
    /// Mismatches no exception covers.
    pub unexplained: Vec<Mismatch>,
    /// Mismatches an exception covers but with the wrong `stricter` side.
    pub wrong_side: Vec<(Mismatch, usize)>,
    /// Exceptions that matched nothing (stale).
    pub stale: Vec<Exception>,
    /// How many mismatches each exception covered, by line.
    pub used: Vec<(usize, usize)>,
}

pub fn apply(list: &[Exception], mismatches: &[Mismatch]) -> Applied {
    let mut out = Applied::default();
    let mut count = vec![0usize; list.len()];
    for m in mismatches {
        match list.iter().position(|e| glob(&e.structure, &m.id) && glob(&e.field, &m.field)) {
            Some(i) => {
                count[i] += 1;
                if refusing_side(m).is_some_and(|s| s != list[i].stricter) {
                    out.wrong_side.push((m.clone(), list[i].line));
                }
            }
            None => out.unexplained.push(m.clone()),
        }
    }
    for (e, n) in list.iter().zip(&count) {
        if *n == 0 {
            out.stale.push(e.clone());
        }
        out.used.push((e.line, *n));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::oracle::Kind;

    fn mm(id: &str, field: &str, ours: &str, theirs: &str) -> Mismatch {
        Mismatch { id: id.into(), kind: Kind::Certificate, field: field.into(), ours: ours.into(), theirs: theirs.into() }
    }

    #[test]
    fn glob_table() {
        for (p, s, want) in [
            ("a*c", "abc", true),
            ("a*c", "ac", true),
            ("a*c", "acb", false),
            ("*", "", true),
            ("pkits/*Test3EE.crt", "pkits/certs/ValidTest3EE.crt", true),
            ("x", "x", true),
            ("x", "xy", false),
            ("*.eml#sd@root/cert:*", "m/a.eml#sd@root/cert:12ab", true),
            ("a*b*a", "aba", true),
            ("a*b*a", "ab", false),
        ] {
            assert_eq!(glob(p, s), want, "{p} ~ {s}");
        }
    }

    #[test]
    fn every_mismatch_explained_and_no_stale_entries() {
        let list = parse(&format!(
            "# c\n{HEADER}\nf*\tdecode\toracle\tder cannot represent dates before 1970\ng\tserial\tours\tsomething stricter on our side\nunused\tx\tours\tthis entry never matches anything\n"
        ))
        .unwrap();
        let ms = [
            mm("f1", "decode", "ok", "undecodable: date"),
            mm("g", "serial", "undecodable", "01"),
            mm("h", "issuer", "a", "b"),
            mm("f2", "decode", "undecodable: x", "ok"),
        ];
        let a = apply(&list, &ms);
        assert_eq!(a.unexplained, vec![ms[2].clone()]);
        assert_eq!(a.wrong_side.len(), 1, "f2: ours refused but the entry says the oracle is stricter");
        assert_eq!(a.stale.len(), 1);
        assert_eq!(a.stale[0].structure, "unused");
        assert!(parse("structure\tfield\n").is_err());
        assert!(parse(&format!("{HEADER}\na\tb\tboth\ta reason long enough to pass\n")).is_err());
    }
}
