//! Object identifiers used by this crate, as DER content bytes, each with
//! its dotted form and name.

use crate::error::{Error, Result};

/// 1.2.840.113549.1.7.1 id-data.
pub const DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x01];
/// 1.2.840.113549.1.7.2 id-signedData.
pub const SIGNED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x02];
/// 1.2.840.113549.1.7.3 id-envelopedData.
pub const ENVELOPED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x03];
/// 1.2.840.113549.1.7.5 id-digestedData.
pub const DIGESTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x05];
/// 1.2.840.113549.1.7.6 id-encryptedData.
pub const ENCRYPTED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x07, 0x06];
/// 1.2.840.113549.1.9.16.1.23 id-ct-authEnvelopedData.
pub const AUTH_ENVELOPED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x17];
/// 1.2.840.113549.1.9.16.1.9 id-ct-compressedData.
pub const COMPRESSED_DATA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x01, 0x09];
/// 1.2.840.113549.1.9.3 contentType attribute.
pub const ATTR_CONTENT_TYPE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x03];
/// 1.2.840.113549.1.9.4 messageDigest attribute.
pub const ATTR_MESSAGE_DIGEST: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x04];
/// 1.2.840.113549.1.9.5 signingTime attribute.
pub const ATTR_SIGNING_TIME: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x05];
/// 1.2.840.113549.1.9.16.2.12 ESS signingCertificate (RFC 2634).
pub const ATTR_SIGNING_CERTIFICATE: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x0c];
/// 1.2.840.113549.1.9.16.2.47 ESS signingCertificateV2 (RFC 5035).
pub const ATTR_SIGNING_CERTIFICATE_V2: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x10, 0x02, 0x2f];
/// 1.2.840.113549.2.5 md5.
pub const MD5: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x02, 0x05];
/// 1.3.14.3.2.26 sha1.
pub const SHA1: &[u8] = &[0x2b, 0x0e, 0x03, 0x02, 0x1a];
/// 2.16.840.1.101.3.4.2.4 sha224.
pub const SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x04];
/// 2.16.840.1.101.3.4.2.1 sha256.
pub const SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x01];
/// 2.16.840.1.101.3.4.2.2 sha384.
pub const SHA384: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x02];
/// 2.16.840.1.101.3.4.2.3 sha512.
pub const SHA512: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x02, 0x03];
/// 1.2.840.113549.1.1.1 rsaEncryption.
pub const RSA_ENCRYPTION: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x01];
/// 1.2.840.113549.1.1.4 md5WithRSAEncryption.
pub const MD5_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x04];
/// 1.2.840.113549.1.1.5 sha1WithRSAEncryption.
pub const SHA1_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x05];
/// 1.2.840.113549.1.1.10 id-RSASSA-PSS.
pub const RSASSA_PSS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0a];
/// 1.2.840.113549.1.1.11 sha256WithRSAEncryption.
pub const SHA256_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0b];
/// 1.2.840.113549.1.1.12 sha384WithRSAEncryption.
pub const SHA384_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0c];
/// 1.2.840.113549.1.1.13 sha512WithRSAEncryption.
pub const SHA512_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0d];
/// 1.2.840.113549.1.1.14 sha224WithRSAEncryption.
pub const SHA224_WITH_RSA: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x0e];
/// 1.2.840.113549.1.1.8 id-mgf1.
pub const MGF1: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x01, 0x08];
/// 1.2.840.10045.2.1 id-ecPublicKey.
pub const EC_PUBLIC_KEY: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01];
/// 1.2.840.10045.4.1 ecdsa-with-SHA1.
pub const ECDSA_WITH_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x01];
/// 1.2.840.10045.4.3.1 ecdsa-with-SHA224.
pub const ECDSA_WITH_SHA224: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x01];
/// 1.2.840.10045.4.3.2 ecdsa-with-SHA256.
pub const ECDSA_WITH_SHA256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x02];
/// 1.2.840.10045.4.3.3 ecdsa-with-SHA384.
pub const ECDSA_WITH_SHA384: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x03];
/// 1.2.840.10045.4.3.4 ecdsa-with-SHA512.
pub const ECDSA_WITH_SHA512: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x04, 0x03, 0x04];
/// 1.2.840.10045.3.1.7 prime256v1 / secp256r1.
pub const CURVE_P256: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07];
/// 1.3.132.0.34 secp384r1.
pub const CURVE_P384: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x22];
/// 1.3.132.0.35 secp521r1.
pub const CURVE_P521: &[u8] = &[0x2b, 0x81, 0x04, 0x00, 0x23];
/// 1.3.101.112 id-Ed25519 (RFC 8410).
pub const ED25519: &[u8] = &[0x2b, 0x65, 0x70];
/// 1.3.101.113 id-Ed448 (RFC 8410).
pub const ED448: &[u8] = &[0x2b, 0x65, 0x71];
/// 1.2.840.10040.4.1 id-dsa.
pub const DSA: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x01];
/// 1.2.840.10040.4.3 id-dsa-with-sha1.
pub const DSA_WITH_SHA1: &[u8] = &[0x2a, 0x86, 0x48, 0xce, 0x38, 0x04, 0x03];
/// 2.16.840.1.101.3.4.3.1 id-dsa-with-sha224.
pub const DSA_WITH_SHA224: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x01];
/// 2.16.840.1.101.3.4.3.2 id-dsa-with-sha256.
pub const DSA_WITH_SHA256: &[u8] = &[0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04, 0x03, 0x02];
/// 1.2.840.113549.1.9.1 pkcs-9 emailAddress (legacy DN attribute).
pub const EMAIL_ADDRESS: &[u8] = &[0x2a, 0x86, 0x48, 0x86, 0xf7, 0x0d, 0x01, 0x09, 0x01];
/// 1.3.6.1.5.5.7.8.9 id-on-SmtpUTF8Mailbox (RFC 8398).
pub const SMTP_UTF8_MAILBOX: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x08, 0x09];
/// 2.5.29.14 subjectKeyIdentifier extension.
pub const SUBJECT_KEY_ID: &[u8] = &[0x55, 0x1d, 0x0e];
/// 2.5.29.15 keyUsage extension.
pub const KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x0f];
/// 2.5.29.17 subjectAltName extension.
pub const SUBJECT_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x11];
/// 2.5.29.19 basicConstraints extension.
pub const BASIC_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x13];
/// 2.5.29.35 authorityKeyIdentifier extension.
pub const AUTHORITY_KEY_ID: &[u8] = &[0x55, 0x1d, 0x23];
/// 2.5.29.37 extKeyUsage extension.
pub const EXT_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25];
/// 2.5.4.3 CN.
pub const AT_CN: &[u8] = &[0x55, 0x04, 0x03];
/// 2.5.4.4 SN.
pub const AT_SURNAME: &[u8] = &[0x55, 0x04, 0x04];
/// 2.5.4.5 serialNumber.
pub const AT_SERIAL_NUMBER: &[u8] = &[0x55, 0x04, 0x05];
/// 2.5.4.6 C.
pub const AT_C: &[u8] = &[0x55, 0x04, 0x06];
/// 2.5.4.7 L.
pub const AT_L: &[u8] = &[0x55, 0x04, 0x07];
/// 2.5.4.8 ST.
pub const AT_ST: &[u8] = &[0x55, 0x04, 0x08];
/// 2.5.4.9 street.
pub const AT_STREET: &[u8] = &[0x55, 0x04, 0x09];
/// 2.5.4.10 O.
pub const AT_O: &[u8] = &[0x55, 0x04, 0x0a];
/// 2.5.4.11 OU.
pub const AT_OU: &[u8] = &[0x55, 0x04, 0x0b];
/// 2.5.4.12 title.
pub const AT_TITLE: &[u8] = &[0x55, 0x04, 0x0c];
/// 2.5.4.42 GN.
pub const AT_GIVEN_NAME: &[u8] = &[0x55, 0x04, 0x2a];
/// 2.5.4.46 dnQualifier.
pub const AT_DN_QUALIFIER: &[u8] = &[0x55, 0x04, 0x2e];
/// 0.9.2342.19200300.100.1.25 DC.
pub const AT_DC: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x19];
/// 0.9.2342.19200300.100.1.1 UID.
pub const AT_UID: &[u8] = &[0x09, 0x92, 0x26, 0x89, 0x93, 0xf2, 0x2c, 0x64, 0x01, 0x01];

/// 2.5.29.30 nameConstraints extension.
pub const NAME_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x1e];
/// 2.5.29.32 certificatePolicies extension.
pub const CERTIFICATE_POLICIES: &[u8] = &[0x55, 0x1d, 0x20];
/// 2.5.29.33 policyMappings extension.
pub const POLICY_MAPPINGS: &[u8] = &[0x55, 0x1d, 0x21];
/// 2.5.29.36 policyConstraints extension.
pub const POLICY_CONSTRAINTS: &[u8] = &[0x55, 0x1d, 0x24];
/// 2.5.29.54 inhibitAnyPolicy extension.
pub const INHIBIT_ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x36];
/// 2.5.29.32.0 anyPolicy.
pub const ANY_POLICY: &[u8] = &[0x55, 0x1d, 0x20, 0x00];
/// 2.5.29.31 cRLDistributionPoints extension.
pub const CRL_DISTRIBUTION_POINTS: &[u8] = &[0x55, 0x1d, 0x1f];
/// 2.5.29.46 freshestCRL extension.
pub const FRESHEST_CRL: &[u8] = &[0x55, 0x1d, 0x2e];
/// 2.5.29.18 issuerAltName extension.
pub const ISSUER_ALT_NAME: &[u8] = &[0x55, 0x1d, 0x12];
/// 2.5.29.20 cRLNumber extension.
pub const CRL_NUMBER: &[u8] = &[0x55, 0x1d, 0x14];
/// 2.5.29.21 reasonCode CRL entry extension.
pub const CRL_REASON: &[u8] = &[0x55, 0x1d, 0x15];
/// 2.5.29.27 deltaCRLIndicator extension.
pub const DELTA_CRL_INDICATOR: &[u8] = &[0x55, 0x1d, 0x1b];
/// 2.5.29.28 issuingDistributionPoint extension.
pub const ISSUING_DISTRIBUTION_POINT: &[u8] = &[0x55, 0x1d, 0x1c];
/// 2.5.29.29 certificateIssuer CRL entry extension.
pub const CERTIFICATE_ISSUER: &[u8] = &[0x55, 0x1d, 0x1d];
/// 2.5.29.24 invalidityDate CRL entry extension.
pub const INVALIDITY_DATE: &[u8] = &[0x55, 0x1d, 0x18];
/// 1.3.6.1.5.5.7.3.4 id-kp-emailProtection.
pub const KP_EMAIL_PROTECTION: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x04];
/// 2.5.29.37.0 anyExtendedKeyUsage.
pub const ANY_EXTENDED_KEY_USAGE: &[u8] = &[0x55, 0x1d, 0x25, 0x00];
/// 1.3.6.1.5.5.7.1.1 authorityInfoAccess extension.
pub const AUTHORITY_INFO_ACCESS: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x01, 0x01];

/// 1.3.6.1.5.5.7.3.9 id-kp-OCSPSigning (RFC 6960 §4.2.2.2).
pub const KP_OCSP_SIGNING: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x03, 0x09];
/// 1.3.6.1.5.5.7.48.1 id-ad-ocsp, an authorityInfoAccess method (RFC 5280 §4.2.2.1).
pub const AD_OCSP: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01];
/// 1.3.6.1.5.5.7.48.1.1 id-pkix-ocsp-basic (RFC 6960 §4.2.1).
pub const OCSP_BASIC: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x01];
/// 1.3.6.1.5.5.7.48.1.2 id-pkix-ocsp-nonce (RFC 6960 §4.4.1).
pub const OCSP_NONCE: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x02];
/// 1.3.6.1.5.5.7.48.1.5 id-pkix-ocsp-nocheck (RFC 6960 §4.2.2.2.1).
pub const OCSP_NOCHECK: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x30, 0x01, 0x05];
/// 1.3.6.1.5.5.7.16.2 id-ri-ocsp-response (RFC 5940 §2.2).
pub const RI_OCSP_RESPONSE: &[u8] = &[0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x10, 0x02];

/// Check that OID content bytes are well-formed (X.690 §8.19): non-empty, no
/// leading 0x80 octet in a sub-identifier, last octet terminates.
pub fn validate(content: &[u8]) -> Result<()> {
    let last_ok = content.last().is_some_and(|b| b & 0x80 == 0);
    if !last_ok {
        return Err(Error::malformed("bad OBJECT IDENTIFIER"));
    }
    let mut at_start = true;
    for b in content {
        if at_start && *b == 0x80 {
            return Err(Error::malformed("non-minimal OBJECT IDENTIFIER"));
        }
        at_start = b & 0x80 == 0;
    }
    Ok(())
}

/// Dotted-decimal form, for display of unknown OIDs. Sub-identifiers too large
/// for u64 are shown as `?`.
pub fn to_dotted(content: &[u8]) -> String {
    let mut arcs: Vec<Option<u64>> = Vec::new();
    let mut acc: Option<u64> = Some(0);
    for b in content {
        acc = acc.and_then(|a| a.checked_mul(128)).and_then(|a| a.checked_add(u64::from(b & 0x7f)));
        if b & 0x80 == 0 {
            arcs.push(acc);
            acc = Some(0);
        }
    }
    let mut out = String::new();
    for (i, arc) in arcs.iter().enumerate() {
        let parts: Vec<String> = match (i, arc) {
            (0, Some(v)) => {
                let (a, b) = if *v < 40 {
                    (0, *v)
                } else if *v < 80 {
                    (1, v.saturating_sub(40))
                } else {
                    (2, v.saturating_sub(80))
                };
                vec![a.to_string(), b.to_string()]
            }
            (_, Some(v)) => vec![v.to_string()],
            (_, None) => vec!["?".to_owned()],
        };
        for p in parts {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&p);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dotted_round_trip() {
        assert_eq!(to_dotted(SHA256), "2.16.840.1.101.3.4.2.1");
        assert_eq!(to_dotted(DATA), "1.2.840.113549.1.7.1");
        assert_eq!(to_dotted(AT_DC), "0.9.2342.19200300.100.1.25");
        assert!(validate(&[0x2a, 0x80, 0x01]).is_err());
        assert!(validate(&[0x2a, 0x86]).is_err());
        assert!(validate(&[]).is_err());
    }
}
