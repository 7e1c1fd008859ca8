//! Where a certificate says its revocation status can be fetched: the OCSP
//! responders of its authorityInfoAccess (RFC 5280 §4.2.2.1, id-ad-ocsp) and
//! the URIs of its cRLDistributionPoints (§4.2.1.13). Only `http:` URIs are
//! returned: RFC 5280 §4.2.1.13 and RFC 6960 Appendix A name HTTP, and
//! nothing else is fetched. Parsing only; fetching is the caller's.

use super::cert::Certificate;
use crate::asn1::{self, oid, Tag};

/// Most URIs taken from one extension: a CA names one or two; more is noise.
const MAX_URIS: usize = 4;

/// uniformResourceIdentifier `[6] IA5String` of a GeneralName, when `http:`.
fn http_uri(gn: &asn1::Tlv<'_>) -> Option<String> {
    if gn.tag != Tag::context(6, false) {
        return None;
    }
    let s = std::str::from_utf8(gn.content).ok()?;
    let ok = s.len() <= 2048 && s.get(..7).is_some_and(|p| p.eq_ignore_ascii_case("http://")) && s.bytes().all(|b| b.is_ascii_graphic());
    ok.then(|| s.to_owned())
}

/// The id-ad-ocsp `http:` locations of the authorityInfoAccess extension.
pub fn ocsp_urls(cert: &Certificate) -> Vec<String> {
    let Some(ext) = cert.extension(oid::AUTHORITY_INFO_ACCESS) else { return Vec::new() };
    let mut out = Vec::new();
    let Ok(t) = asn1::parse_single(&ext.value) else { return out };
    let Ok(mut r) = t.children() else { return out };
    while let Ok(Some(ad)) = r.next_tlv() {
        let Ok(mut ar) = ad.children() else { continue };
        let method = ar.next_tlv().ok().flatten().and_then(|m| m.oid().ok().map(<[u8]>::to_vec));
        let location = ar.next_tlv().ok().flatten();
        if let (Some(m), Some(l)) = (method, location) {
            if m == oid::AD_OCSP && out.len() < MAX_URIS {
                out.extend(http_uri(&l));
            }
        }
    }
    out
}

/// The `http:` fullName URIs of the cRLDistributionPoints extension.
pub fn crl_urls(cert: &Certificate) -> Vec<String> {
    let Some(ext) = cert.extension(oid::CRL_DISTRIBUTION_POINTS) else { return Vec::new() };
    let mut out = Vec::new();
    let Ok(t) = asn1::parse_single(&ext.value) else { return out };
    let Ok(mut r) = t.children() else { return out };
    while let Ok(Some(dp)) = r.next_tlv() {
        // DistributionPoint { distributionPoint [0] { fullName [0] GeneralNames } ... }
        let Ok(Some(name)) = dp.children().and_then(|mut d| d.read_if(|t| t.is_context(0))) else { continue };
        let Ok(Some(full)) = name.children().and_then(|mut n| n.read_if(|t| t.is_context(0))) else { continue };
        let Ok(mut gr) = full.children() else { continue };
        while let Ok(Some(gn)) = gr.next_tlv() {
            if out.len() < MAX_URIS {
                out.extend(http_uri(&gn));
            }
        }
    }
    out
}
