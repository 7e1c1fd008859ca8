//! PEM (RFC 7468 §2): the base64 blocks of one label in a file. Files the
//! caller supplies (`--trust`, `--crl`, `--ocsp`, the JS options) hold PEM
//! blocks or one DER object; no block of the label means "read it as DER".

use crate::error::{Code, Error, Result};
use crate::mime::decode;

/// The decoded blocks labelled `label` (e.g. `X509 CRL`), in order; empty
/// when there is none. More than `max` is `limit-exceeded`, a block without
/// its END line `invalid-argument` (never silently cut short).
pub fn blocks(data: &[u8], label: &str, max: usize) -> Result<Vec<Vec<u8>>> {
    let text = String::from_utf8_lossy(data);
    let begin = format!("-----BEGIN {label}-----");
    let end = format!("-----END {label}-----");
    let mut out = Vec::new();
    let mut rest = text.as_ref();
    while let Some(b) = rest.find(&begin) {
        if out.len() >= max {
            return Err(Error::limit(format!("more than {max} PEM {label} blocks in one file")));
        }
        let after = rest.get(b.saturating_add(begin.len())..).unwrap_or("");
        let e = after.find(&end).ok_or_else(|| Error::new(Code::InvalidArgument, format!("PEM {label} without its END line")))?;
        out.push(decode::base64(after.get(..e).unwrap_or("").as_bytes())?);
        rest = after.get(e.saturating_add(end.len())..).unwrap_or("");
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_of_one_label_bounded() {
        let one = "-----BEGIN X-----\nAAEC\n-----END X-----\n";
        assert_eq!(blocks(format!("junk\n{one}{one}").as_bytes(), "X", 2).unwrap(), vec![vec![0, 1, 2], vec![0, 1, 2]]);
        assert!(blocks(one.as_bytes(), "Y", 2).unwrap().is_empty());
        assert_eq!(blocks(one.repeat(3).as_bytes(), "X", 2).unwrap_err().code, Code::LimitExceeded);
        assert_eq!(blocks(b"-----BEGIN X-----\nAAEC\n", "X", 2).unwrap_err().code, Code::InvalidArgument);
    }
}
