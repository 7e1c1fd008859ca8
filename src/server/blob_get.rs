//! RFC 9404 (JMAP blob management) in the reference server: the
//! `urn:ietf:params:jmap:blob` account capability and `Blob/get` (§4.2),
//! so a client fetches the raw messages of a page inside one API request
//! instead of one `downloadUrl` GET each. The store is read-only, so
//! `Blob/upload` answers `accountReadOnly`, and `Blob/lookup` knows no type
//! names (`supportedTypeNames` is empty).
//!
//! Bounds: `ids` by `maxObjectsInGet` (RFC 8620 §5.1, `requestTooLarge`),
//! the octets a call reads by [`limits::SERVER_MAX_BLOB_GET_OCTETS`]
//! (`requestTooLarge`, before anything is encoded), and the whole response
//! by `SERVER_MAX_SIZE_RESPONSE` as for every method (request.rs).

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256, Sha512};

use super::api::{ids_arg, merr, Context, MethodError};
use super::store::Store;
use crate::limits;
use crate::mime::decode::base64_encode;

/// Digest algorithms `Blob/get` computes (RFC 9404 §3: names from the HTTP
/// Digest Algorithm registry, lower case, preferred first). SHA-1 (`sha`)
/// is left out: nothing here needs a broken hash.
pub const DIGEST_ALGORITHMS: &[&str] = &["sha-256", "sha-512"];

/// RFC 9404 §4.2: the properties when `properties` is null or absent.
const DEFAULT_PROPERTIES: &[&str] = &["data", "size"];

/// The account capability value (RFC 9404 §3). Nothing can be created
/// (`maxSizeBlobSet` 0, like `maxSizeUpload`); `maxDataSources` is the
/// RFC's floor, advertised because the member is required.
pub fn account_capability() -> Value {
    json!({
        "maxSizeBlobSet": 0,
        "maxDataSources": 64,
        "supportedTypeNames": [],
        "supportedDigestAlgorithms": DIGEST_ALGORITHMS,
    })
}

/// One requested property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Prop {
    Id,
    Size,
    /// `data`: text when the range is UTF-8, else base64.
    Data,
    AsText,
    AsBase64,
    Digest(Alg),
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Alg {
    Sha256,
    Sha512,
}

impl Prop {
    fn parse(p: &str) -> Option<Prop> {
        Some(match p {
            "id" => Prop::Id,
            "size" => Prop::Size,
            "data" => Prop::Data,
            "data:asText" => Prop::AsText,
            "data:asBase64" => Prop::AsBase64,
            "digest:sha-256" => Prop::Digest(Alg::Sha256),
            "digest:sha-512" => Prop::Digest(Alg::Sha512),
            _ => return None,
        })
    }

    /// Whether the property reads the selected octets (and is charged for them).
    fn reads_data(self) -> bool {
        !matches!(self, Prop::Id | Prop::Size)
    }
}

fn properties(args: &Map<String, Value>) -> Result<Vec<Prop>, MethodError> {
    let names: Vec<&str> = match args.get("properties") {
        None | Some(Value::Null) => DEFAULT_PROPERTIES.to_vec(),
        Some(Value::Array(a)) => {
            a.iter().map(|p| p.as_str().ok_or_else(|| merr("invalidArguments", "properties must be strings"))).collect::<Result<_, _>>()?
        }
        Some(_) => return Err(merr("invalidArguments", "properties must be a list or null")),
    };
    let mut out = Vec::with_capacity(names.len());
    for n in names {
        // RFC 8620 §5.1: an unknown property rejects the call.
        let p = Prop::parse(n).ok_or_else(|| merr("invalidArguments", format!("unknown Blob property {n:?}")))?;
        if !out.contains(&p) {
            out.push(p);
        }
    }
    Ok(out)
}

/// `offset` / `length`: UnsignedInt|null (RFC 8620 §1.3: 0 to 2^53-1).
fn unsigned(args: &Map<String, Value>, key: &str) -> Result<Option<u64>, MethodError> {
    const MAX_SAFE: u64 = (1 << 53) - 1;
    match args.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(v) => match v.as_u64() {
            Some(n) if n <= MAX_SAFE => Ok(Some(n)),
            _ => Err(merr("invalidArguments", format!("{key} must be an UnsignedInt or null"))),
        },
    }
}

/// The octets of a blob of this account: a raw message (`Email.blobId`) or
/// one of its parts, as `downloadUrl` serves them (store.rs `Store::blob`),
/// borrowed rather than copied.
fn blob<'a>(store: &'a Store, id: &str) -> Option<&'a [u8]> {
    if let Some(e) = store.emails.values().find(|e| e.blob_id == id) {
        return Some(&e.raw);
    }
    let (base, part) = id.split_once('.')?;
    let e = store.emails.values().find(|e| e.blob_id == base)?;
    e.parsed.parts.iter().find(|p| p.part_id == part).map(|p| p.content.as_slice())
}

/// RFC 9404 §4.2: the selected range and whether it could not be fully
/// satisfied. Without a length the rest of the blob is selected, and only an
/// offset past the end is truncation.
fn select(data: &[u8], offset: Option<u64>, length: Option<u64>) -> (&[u8], bool) {
    let len = u64::try_from(data.len()).unwrap_or(u64::MAX);
    let start = offset.unwrap_or(0);
    let end = match length {
        Some(l) => start.saturating_add(l),
        None => len.max(start),
    };
    let truncated = start > len || end > len;
    let (s, e) = (start.min(len), end.min(len));
    let range = usize::try_from(s).ok().zip(usize::try_from(e).ok()).and_then(|(s, e)| data.get(s..e)).unwrap_or(&[]);
    (range, truncated)
}

fn digest(alg: Alg, octets: &[u8]) -> String {
    match alg {
        Alg::Sha256 => base64_encode(&Sha256::digest(octets)),
        Alg::Sha512 => base64_encode(&Sha512::digest(octets)),
    }
}

/// One Blob object with the asked properties (RFC 9404 §4.2). The flags are
/// present only when true, as in the RFC's examples.
fn blob_json(id: &str, data: &[u8], props: &[Prop], offset: Option<u64>, length: Option<u64>) -> Value {
    let (range, truncated) = select(data, offset, length);
    let text = std::str::from_utf8(range).ok();
    let mut m = Map::new();
    m.insert("id".into(), json!(id));
    let mut encoding_problem = false;
    let mut base64 = props.contains(&Prop::AsBase64);
    for p in props {
        match p {
            Prop::Id => {}
            Prop::Size => {
                m.insert("size".into(), json!(data.len()));
            }
            // `data` is text when it can be, and base64 (with the flag) when not.
            Prop::Data | Prop::AsText => match text {
                Some(t) => {
                    m.insert("data:asText".into(), json!(t));
                }
                None => {
                    encoding_problem = true;
                    base64 |= *p == Prop::Data;
                    if *p == Prop::AsText {
                        m.insert("data:asText".into(), Value::Null);
                    }
                }
            },
            Prop::AsBase64 => {}
            Prop::Digest(alg) => {
                let name = if *alg == Alg::Sha256 { "digest:sha-256" } else { "digest:sha-512" };
                m.insert(name.into(), json!(digest(*alg, range)));
            }
        }
    }
    if base64 {
        m.insert("data:asBase64".into(), json!(base64_encode(range)));
    }
    if encoding_problem {
        m.insert("isEncodingProblem".into(), json!(true));
    }
    if truncated {
        m.insert("isTruncated".into(), json!(true));
    }
    Value::Object(m)
}

/// `Blob/get` (RFC 9404 §4.2). Blobs have no state, so the response has
/// none. `ids` must be given: listing every blob is not supported.
pub fn blob_get(ctx: &Context<'_>, args: &Map<String, Value>) -> Result<Value, MethodError> {
    let ids = ids_arg(args)?.ok_or_else(|| merr("invalidArguments", "Blob/get needs ids: listing every blob is not supported"))?;
    let props = properties(args)?;
    let (offset, length) = (unsigned(args, "offset")?, unsigned(args, "length")?);
    let found: Vec<(String, Option<&[u8]>)> = ids
        .into_iter()
        .map(|id| {
            let b = blob(ctx.store, &id);
            (id, b)
        })
        .collect();
    // What the answer costs to build, before any of it is built.
    let readers = u64::try_from(props.iter().filter(|p| p.reads_data()).count()).unwrap_or(u64::MAX);
    let mut octets: u64 = 0;
    for (_, b) in &found {
        if let Some(b) = b {
            let n = u64::try_from(select(b, offset, length).0.len()).unwrap_or(u64::MAX);
            octets = octets.saturating_add(n.saturating_mul(readers));
        }
    }
    if octets > limits::SERVER_MAX_BLOB_GET_OCTETS {
        return Err(merr(
            "requestTooLarge",
            format!(
                "the blobs asked for are {octets} octets of data, more than the {} one Blob/get returns; ask for fewer ids or download them",
                limits::SERVER_MAX_BLOB_GET_OCTETS
            ),
        ));
    }
    let mut list = Vec::new();
    let mut not_found = Vec::new();
    for (id, b) in found {
        match b {
            Some(b) => list.push(blob_json(&id, b, &props, offset, length)),
            None => not_found.push(id),
        }
    }
    Ok(json!({"accountId": ctx.account_id, "list": list, "notFound": not_found}))
}

/// `Blob/upload` (RFC 9404 §4.1): the account is read-only.
pub fn blob_upload() -> Result<Value, MethodError> {
    Err(merr("accountReadOnly", "this account is read-only: no blob can be created"))
}

/// `Blob/lookup` (RFC 9404 §4.3): no type name is supported, so any is
/// `unknownDataType`; with none, each known blob matches nothing.
pub fn blob_lookup(ctx: &Context<'_>, args: &Map<String, Value>) -> Result<Value, MethodError> {
    match args.get("typeNames") {
        Some(Value::Array(t)) if t.is_empty() => {}
        Some(Value::Array(_)) => return Err(merr("unknownDataType", "this server supports no type names for Blob/lookup")),
        _ => return Err(merr("invalidArguments", "typeNames must be a list")),
    }
    let ids = ids_arg(args)?.ok_or_else(|| merr("invalidArguments", "Blob/lookup needs ids"))?;
    let (list, not_found): (Vec<String>, Vec<String>) = ids.into_iter().partition(|id| blob(ctx.store, id).is_some());
    let list: Vec<Value> = list.into_iter().map(|id| json!({"id": id, "matchedIds": {}})).collect();
    Ok(json!({"accountId": ctx.account_id, "list": list, "notFound": not_found}))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_rfc9404() {
        // (offset, length) -> (selected, isTruncated) on an 11-octet blob.
        let data = b"hello world";
        type Case = (Option<u64>, Option<u64>, &'static [u8], bool);
        let cases: &[Case] = &[
            (None, None, b"hello world", false),
            (Some(0), Some(5), b"hello", false),
            (Some(6), None, b"world", false),
            (Some(11), None, b"", false),
            (Some(12), None, b"", true),
            (Some(20), Some(100), b"", true),
            (Some(6), Some(10), b"world", true),
            (Some(11), Some(0), b"", false),
            (Some(u64::MAX), Some(u64::MAX), b"", true),
        ];
        for (o, l, want, t) in cases {
            assert_eq!(select(data, *o, *l), (*want, *t), "{o:?} {l:?}");
        }
    }
}
