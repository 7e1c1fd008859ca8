//! Every bound this crate puts on untrusted input, in one place, each with the
//! reason for its value. Reaching one yields `limit-exceeded`; the input is
//! refused, never silently truncated. Each has a test that trips it
//! (`tests/limits.rs`; the JMAP client's: `tests/jmap_limits.rs`).

/// Largest raw message accepted: 64 MiB. JMAP servers commonly advertise
/// `maxSizeUpload` of 50 MB (RFC 8620 §2 suggests it as a minimum), so a
/// message larger than this could not have been delivered normally, and a
/// browser tab should not hold several copies of more.
pub const MAX_MESSAGE_BYTES: usize = 64 * 1024 * 1024;

/// Deepest MIME nesting followed. Real mail rarely exceeds 6 levels
/// (triple-wrapped S/MIME inside a forward inside a digest); 32 leaves room and
/// keeps the recursive parser's stack small.
pub const MAX_MIME_DEPTH: usize = 32;

/// Most MIME entities in one message. Mailing-list digests reach a few
/// hundred; 4096 bounds the memory of the entity table.
pub const MAX_MIME_PARTS: usize = 4096;

/// Most header fields in one entity. RFC 5322 sets no bound; spam with 1000+
/// Received lines exists, 10 000 is far beyond legitimate use.
pub const MAX_HEADER_FIELDS: usize = 10_000;

/// Deepest BER/DER nesting. Certificates nest about 10 levels and CMS adds
/// about 6; 64 leaves room for BER constructed strings and bounds recursion.
pub const MAX_DER_DEPTH: usize = 64;

/// Most BER element headers decoded while checking one message. X.690 gives
/// an indefinite-length element no size, so finding its end walks its whole
/// subtree, and every level the parser then descends through walks what lies
/// below again: nested indefinite encodings multiply the work by their depth
/// (2 MB of crafted BER cost 250 ms before this bound). Legitimate mail stays
/// far below: a 64 MiB NSS message has 65 536 segments walked about six times,
/// plus a few thousand elements per certificate. 8 M decodes is about 0.2 s
/// natively.
pub const MAX_BER_ELEMENTS_PER_MESSAGE: u64 = 8_000_000;

/// Most segments of one constructed (BER) OCTET STRING. NSS writes 1 KiB
/// chunks, so 64 MiB of content is 65 536 segments; more is abuse.
pub const MAX_BER_SEGMENTS: usize = 65_536;

/// Most certificates read from one SignedData. A path to a root rarely needs
/// more than 5; senders that attach the whole chain of several signers stay far
/// below 64.
pub const MAX_CERTIFICATES: usize = 64;

/// Most CRLs read from one SignedData (PKITS messages carry up to about 10).
pub const MAX_CRLS: usize = 64;

/// Most OCSP responses used for one message: those embedded in its
/// SignedData (RFC 5940 §2.2) and, separately, those one caller option or
/// file supplies. A path of 5 certificates needs at most 5; a sender that
/// staples a response for each of several signers stays below 32.
pub const MAX_OCSP_RESPONSES: usize = 32;

/// Most SingleResponses read from one OCSP response. Responders answer one
/// request per certificate asked (RFC 5019 §2.1.1 allows one); a batch of a
/// whole chain is a handful. Each one costs a CertID comparison per
/// certificate checked.
pub const MAX_OCSP_SINGLE_RESPONSES: usize = 16;

/// Most certificates in one BasicOCSPResponse `certs` (RFC 6960 §4.2.1): a
/// delegated responder sends its own certificate, sometimes its issuer's.
pub const MAX_OCSP_RESPONSE_CERTS: usize = 4;

/// How long an OCSP response without nextUpdate counts as current after its
/// thisUpdate: 1 day. RFC 6960 §4.2.2.1 says such a responder always has
/// newer information, so no period follows from the response; a day is the
/// common freshness of responders that do set nextUpdate (RFC 5019 §6).
pub const OCSP_VALIDITY_WITHOUT_NEXT_UPDATE: i64 = 24 * 60 * 60;

/// Clock difference allowed between a responder and the validation time: 5
/// minutes, as OpenSSL's OCSP_check_validity is used by `openssl ocsp`. A
/// server that fetches a response validates it a moment later by its own
/// clock; the responder's may run ahead by seconds.
pub const OCSP_CLOCK_SKEW_SECS: i64 = 5 * 60;

/// Most SignerInfos judged in one SignedData. Each costs one public-key
/// operation per candidate certificate; 16 co-signers is already unusual.
pub const MAX_SIGNERS: usize = 16;

/// Most candidate certificates tried for one SignerInfo (SKIs can collide,
/// RFC 5652 §5.3, so every match is tried; R21).
pub const MAX_CANDIDATES_PER_SIGNER: usize = 8;

/// Most signed attributes in one SignerInfo. OpenSSL writes 4–6; 64 is ample.
pub const MAX_SIGNED_ATTRIBUTES: usize = 64;

/// Largest RSA modulus accepted, in bits. RFC 8551 §2.2 requires 2048–4096 and
/// allows more (MAY); ring verifies RSA only from 2048 to 8192 bits
/// (`RSA_PKCS1_2048_8192_*`), so no certificate in use needs more. One
/// exponentiation costs about the square of the size: 16384 bits took ~43 ms
/// natively with rsa 0.9, 8192 bits takes a quarter of that (issue 9 §1).
pub const MAX_RSA_BITS: usize = 8_192;

/// Smallest RSA modulus accepted under the default policy (RFC 8551 §2.2,
/// R28: SHOULD NOT accept under 2048).
pub const MIN_RSA_BITS: usize = 2048;

/// Smallest RSA modulus accepted even under the legacy policy (RFC 8551 §6:
/// MUST warn under 1024; 512-bit keys are factorable in hours, so we refuse).
pub const MIN_RSA_BITS_LEGACY: usize = 1024;

/// Largest DSA prime accepted, in bits (FIPS 186-4 stops at 3072).
pub const MAX_DSA_BITS: usize = 3072;

/// Longest single header value kept after unfolding (RFC 5322 §2.1.1 limits a
/// line to 998 octets; folded values can be longer but 64 KiB is abuse).
pub const MAX_HEADER_VALUE_BYTES: usize = 64 * 1024;

/// Most MIME parameters on one Content-Type (RFC 2231 continuations
/// included).
pub const MAX_MIME_PARAMETERS: usize = 64;

/// Longest multipart boundary: RFC 2046 §5.1.1 says 1 to 70 characters.
pub const MAX_BOUNDARY_LEN: usize = 70;

/// Most header fields in one message, all entities together. Each field is
/// kept (16 bytes plus its text) and costs about 60 ns to read; without this
/// bound 64 MiB of 3-byte fields ("a:" and LF) are 22 million fields, 360 MB
/// and 2 s. A digest at [`MAX_MIME_PARTS`] entities with 40 fields each has
/// 164 000; 200 000 bounds the field table at 3.2 MB.
pub const MAX_HEADER_FIELDS_PER_MESSAGE: usize = 200_000;

/// Most nodes in the RFC 5280 §6.1 valid_policy_tree. Policy mapping can
/// make the tree grow exponentially with path length (the "policy tree
/// explosion" of CVE-2023-0464); real paths need a few dozen nodes.
pub const MAX_POLICY_NODES: usize = 1_000;

/// Most subtrees kept in the permitted or excluded name-constraint state.
/// Intersections can multiply entries; real CAs publish fewer than 50.
pub const MAX_NAME_CONSTRAINT_SUBTREES: usize = 1_024;

/// Most candidate paths examined while building a path for one signer.
/// Cross-signed meshes have exponentially many; real PKIs (bridge CAs
/// included) need a few. The builder validates each candidate once and never
/// again tries a signature found bad, so 128 (twice `MAX_CERTIFICATES`) lets
/// every certificate of a message be tried as the top of a path, and each
/// candidate's work is charged to the message's work budget.
pub const MAX_PATH_CANDIDATES: usize = 128;

/// Most certificate and CRL signature checks spent building and validating
/// paths for one signer (each RSA check costs ~0.3 ms natively). Checks the
/// message's memo answers (the same key, signed bytes and signature seen
/// before) run no public-key operation and are not counted here; the work
/// budget charges them a lookup.
pub const MAX_PATH_SIGNATURE_CHECKS: usize = 256;

/// Longest certification path considered (anchor excluded). PKITS needs 6;
/// real-world S/MIME paths have 2–4.
pub const MAX_PATH_LENGTH: usize = 16;

/// Most trust anchors in one store (Mozilla ships ~150 roots; user anchors
/// add a few).
pub const MAX_TRUST_ANCHORS: usize = 1_024;

/// Largest JMAP Session object accepted. A session lists capabilities and
/// accounts; real ones are 1–10 KiB (Cyrus 3.6: ~2 KiB). 1 MiB is abuse.
pub const MAX_SESSION_BYTES: usize = 1024 * 1024;

/// Most accounts read from one Session (shared mailboxes add a few each).
pub const MAX_SESSION_ACCOUNTS: usize = 1_000;

/// Largest JMAP API response read (octets). A page of 500 Emails with
/// bodyStructure and preview is a few MiB; 32 MiB leaves room for large
/// mailboxes and bounds what a hostile server can make the tab parse.
pub const MAX_API_RESPONSE_BYTES: usize = 32 * 1024 * 1024;

/// Most raw-message downloads in flight at once. RFC 8620 §2 suggests servers
/// allow at least 4 concurrent requests, and browsers open about 6
/// connections per origin over HTTP/1.1; 4 keeps one free for API calls. The
/// server's own `maxConcurrentRequests` lowers it further.
pub const MAX_DOWNLOAD_CONCURRENCY: usize = 4;

/// Most Emails in one page. RFC 8620 suggests `maxObjectsInGet` of at least
/// 500; every one may be downloaded and verified, so the client caps it too.
pub const MAX_PAGE_EMAILS: u64 = 500;

/// Verdicts kept in the client's cache. A verdict is a few KiB; 2 000 covers
/// several pages of a large mailbox in a few MiB. The oldest entry goes first.
pub const MAX_CACHED_VERDICTS: usize = 2_000;

/// Email/changes rounds followed while `hasMoreChanges` is true, each asking
/// for at most [`MAX_CHANGES_PER_CALL`]. Past that the caller reloads the page.
pub const MAX_CHANGES_ROUNDS: usize = 16;

/// `maxChanges` asked of Email/changes per round.
pub const MAX_CHANGES_PER_CALL: u64 = 256;

/// Most Emails re-read after Email/changes
/// ([`MAX_CHANGES_ROUNDS`] × [`MAX_CHANGES_PER_CALL`]).
pub const MAX_CHANGED_EMAILS: usize = 4_096;

/// Most raw-message octets one RFC 9404 `Blob/get` request asks for, by the
/// sizes the server claims in Email/get (the batch is planned with them), and
/// the base of the bound on its response: the base64 of this many octets
/// plus [`BLOB_GET_OVERHEAD_PER_ID`] per id and [`BLOB_GET_OVERHEAD`]. A
/// server that sends more (its claims were low, or it pads) is cut off there
/// by the transport and those messages are downloaded instead. 8 MiB is a
/// page of 50 signed messages with 150 KiB attachments in one request; its
/// 10.7 MiB of base64 stays well under [`MAX_API_RESPONSE_BYTES`] and it is an
/// eighth of [`MAX_MESSAGE_BYTES`], so larger messages go by `downloadUrl`
/// alone, streamed to their own bound.
pub const MAX_BLOB_GET_BYTES: usize = 8 * 1024 * 1024;

/// Response octets allowed per asked id on top of the data: the id (up to
/// 255 octets, RFC 8620 §1.2), the property names, `size` and the flags.
pub const BLOB_GET_OVERHEAD_PER_ID: usize = 512;

/// Response octets allowed per `Blob/get` request on top of the per-id
/// allowance: the envelope, `sessionState`, `notFound`, method errors.
pub const BLOB_GET_OVERHEAD: usize = 16 * 1024;

/// Most text (UTF-8 bytes, after transfer and charset decoding) a verdict
/// carries of the signed entity's displayable parts (`Verdict.body`). Real
/// bodies are a few KiB, long HTML newsletters 100–300 KiB; 1 MiB is about
/// 500 printed pages. A verdict is kept per message of a page (up to
/// `MAX_PAGE_EMAILS`) and in the cache, so this bounds what a hostile sender
/// or server makes the tab hold. Past it the body is refused as a whole.
pub const MAX_DISPLAY_BYTES: usize = 1024 * 1024;

/// Most displayable parts (text/plain, text/html) a verdict carries. A body
/// has one or two (plain and HTML alternatives), a few more with inline text
/// between attachments; 64 is abuse. Past it the body is refused as a whole.
pub const MAX_DISPLAY_PARTS: usize = 64;

/// Most displayable text (bytes) held by the client's verdict cache over all
/// its verdicts. `MAX_CACHED_VERDICTS` verdicts of up to `MAX_DISPLAY_BYTES`
/// each would be 2 GiB; 64 MiB keeps a few thousand ordinary messages. The
/// oldest entries go first.
pub const MAX_CACHED_DISPLAY_BYTES: usize = 64 * 1024 * 1024;

// ---- Work per message (issue 9 §1): src/budget.rs charges these ----

/// Longest RSA public exponent accepted, in bits (e < 2^32). Windows
/// CryptoAPI stores the exponent in a 32-bit word (`RSAPUBKEY.pubexp`) and
/// Go's crypto/rsa refuses e > 2^31 − 1, so certificates in use stay far
/// below (65537 is 17 bits); ring and BoringSSL stop at 33 bits. The cost of
/// an exponentiation grows with the exponent's length.
pub const MAX_RSA_PUBLIC_EXPONENT_BITS: usize = 32;

/// Smallest RSA public exponent accepted: RFC 8017 §3.1 requires an odd
/// 3 <= e <= n − 1 (even exponents are refused too).
pub const MIN_RSA_PUBLIC_EXPONENT: u64 = 3;

/// The work one message may cost, in work units (1 unit is about 1 µs of
/// native work on the 2-core development machine; the figures below are
/// measured by `cargo bench --bench hostile`). Shared by the signer
/// candidates, path building, path validation and the CRL signer search at
/// both validation times (now and receivedAt). Issue 9 §1 asks that any
/// message be judged in under 250 ms natively; this leaves the rest for
/// parsing. A legitimate message spends a few thousand: an RSA-4096 chain of
/// three with two CRLs checked at two times is about 12 000.
pub const MAX_WORK_UNITS_PER_MESSAGE: u64 = 200_000;

/// Units of one RSA public operation with a 2048-bit modulus and a 17-bit
/// exponent (65537). The cost scales with the square of the modulus size and
/// linearly with the exponent's bit length (counted as at least 17).
pub const WORK_UNITS_RSA_2048: u64 = 700;

/// Units of one ECDSA P-256 verification.
pub const WORK_UNITS_P256: u64 = 450;

/// Units of one ECDSA P-384 verification.
pub const WORK_UNITS_P384: u64 = 2_200;

/// Units of one ECDSA P-521 verification.
pub const WORK_UNITS_P521: u64 = 3_200;

/// Units of one Ed25519 verification (plus its hashing, by size).
pub const WORK_UNITS_ED25519: u64 = 80;

/// Units of one DSA verification with a 2048-bit p and a 256-bit q; scaled
/// by the square of p's size and linearly by q's.
pub const WORK_UNITS_DSA_2048: u64 = 4_300;

/// Octets hashed with SHA-1, SHA-224 or SHA-256 (or CRL octets scanned for
/// an entry) per unit: about 0.65 µs per KiB measured (SHA-NI).
pub const WORK_BYTES_HASHED_PER_UNIT: u64 = 1_024;

/// Octets hashed with SHA-384, SHA-512 or MD5 per unit: about 2.9 µs per KiB
/// measured.
pub const WORK_BYTES_HASHED_PER_UNIT_SLOW: u64 = 256;

/// Units of decoding one public key. DSA adds a verification's worth (the
/// subgroup check exponentiates), Ed25519 half its verification (point
/// decompression).
pub const WORK_UNITS_KEY_DECODE: u64 = 20;

/// Units of decoding one EC public key: the point is validated, and a
/// compressed point costs a square root in the field (P-521: the dearest).
pub const WORK_UNITS_KEY_DECODE_EC: u64 = 300;

/// Units of a remembered signature check or decoded key: a remembered check
/// is not free, so repeating one cannot escape the budget.
pub const WORK_UNITS_MEMO_LOOKUP: u64 = 2;

/// Units of one path search step (a candidate issuer tried, a dead end, a
/// depth stop, an anchor tried).
pub const WORK_UNITS_PATH_STEP: u64 = 2;

/// Octets of names compared per unit, on top of one unit per comparison
/// (`budget::name_cost`: a comparison normalises both values of every pair
/// of attributes of equally long RDNs, so an RDN of many attributes costs
/// the square of its size; a comparison of two short names takes about 1 µs
/// measured).
pub const WORK_NAME_OCTETS_PER_UNIT: u64 = 512;

/// Issuer edges visited per unit when path building works out which
/// certificates can still reach an anchor (a visit is a table lookup).
pub const WORK_GRAPH_EDGES_PER_UNIT: u64 = 64;

/// Most search steps (candidate issuers tried, dead ends, depth stops,
/// anchors tried) spent building paths for one signer at one time, CRL
/// signer searches included. Without it a mesh of same-name CAs makes the
/// search explore about n! chains (issue 9 §1); PKITS needs at most a few
/// dozen.
pub const MAX_PATH_SEARCH_STEPS: usize = 1_024;

/// Most signature-check results one `Verifier` remembers across messages
/// (src/crypto/memo.rs; issue 10). A mailbox page of 50 messages needs a few
/// hundred distinct checks (each message's own signature and leaf, the shared
/// intermediates, roots and CRLs once); all of NIST PKITS about 1 500. An
/// entry is about 100 octets, so 4 096 keep the memo under half a MiB. When
/// full, the oldest entry is forgotten first (a forgotten check is done again
/// and charged as such; nothing else changes).
pub const MAX_MEMO_ENTRIES: usize = 4_096;

/// Most decoded public keys one `Verifier` keeps across messages
/// (src/crypto/memo.rs). A page's messages share a handful of CA keys and
/// bring one leaf key each; decoding a DSA key costs an exponentiation and an
/// EC key a point check, so each is done once. An entry is the decoded key
/// and its SPKI (under 2 KiB for a 8192-bit RSA key), so 1 024 stay under
/// 2 MiB. Oldest forgotten first; a forgotten key is decoded again and
/// charged as such.
pub const MAX_KEY_MEMO_ENTRIES: usize = 1_024;

/// Most certificate descriptions (the `CertificateInfo` of a report: names,
/// serial, validity, key) one `Verifier` keeps across messages, by
/// fingerprint (src/crypto/memo.rs). A few hundred octets each, so 1 024
/// stay well under 1 MiB. Oldest forgotten first; a forgotten one is
/// formatted again.
pub const MAX_CERT_INFO_ENTRIES: usize = 1_024;

/// Most octets of input one `Verifier` keeps digests for across messages
/// (src/crypto/digests.rs): the to-be-signed parts of the certificates and
/// CRLs a page's messages share, the encoded keys, the identities of checks.
/// A page of 50 messages needs under 200 KiB; PKITS about 600 KiB. Oldest
/// forgotten first; a forgotten digest is computed again (the budget charges
/// hashing either way).
pub const MAX_DIGEST_CACHE_BYTES: usize = 4 << 20;

/// Largest input whose digest is kept (src/crypto/digests.rs): bigger ones
/// (a message body, a large CRL) are hashed each time, so one input cannot
/// take the whole cache.
pub const MAX_DIGEST_CACHE_INPUT: usize = 64 << 10;

/// Most rounds of deferred public-key operations for one message (the
/// browser's WebCrypto route, src/crypto/mod.rs): a round runs the message
/// with every unknown check provisionally valid and hands the unknown ones
/// out. One round finds the whole likely path and a second confirms it; a
/// failed check may send the search down another path, so four leave room.
/// After the last one the remaining checks are done synchronously in Rust.
pub const MAX_CRYPTO_ROUNDS: usize = 4;

/// Largest signed byte string handed to the asynchronous route (WebCrypto
/// hashes the bytes itself, so they are copied out). Signed attributes,
/// certificates and CRLs are far smaller; a signature over a whole large
/// content without signed attributes is checked in Rust over its digest.
pub const MAX_DEFERRED_MESSAGE_BYTES: usize = 1 << 20;

/// Most imported WebCrypto keys one browser `Verifier` keeps (one per key and
/// algorithm; src/wasm/webcrypto.rs), and most algorithm parameter objects
/// (one per algorithm and use; the PSS salt length comes from the message).
/// A page's chains use a few dozen keys and a handful of algorithms; when
/// full the cache is emptied and keys are imported again.
pub const MAX_WEBCRYPTO_KEYS: usize = 256;

// ---- The reference JMAP server (src/server, feature "server") ----

/// `maxSizeRequest` the server advertises and enforces (RFC 8620 §2 suggests
/// at least 10 000 000).
pub const SERVER_MAX_SIZE_REQUEST: u64 = 10_000_000;

/// `maxCallsInRequest` (RFC 8620 suggests at least 16).
pub const SERVER_MAX_CALLS_IN_REQUEST: u64 = 16;

/// `maxObjectsInGet` (RFC 8620 suggests at least 500).
pub const SERVER_MAX_OBJECTS_IN_GET: u64 = 500;

/// `maxConcurrentRequests` (RFC 8620 suggests at least 4); more at once get
/// the `limit` problem.
pub const SERVER_MAX_CONCURRENT_REQUESTS: u64 = 4;

/// Most messages the server loads from its mail directory: the store is in
/// memory and every message is verified at load.
pub const SERVER_MAX_MESSAGES: usize = 10_000;

/// Deepest FilterOperator nesting the server evaluates.
pub const SERVER_MAX_FILTER_DEPTH: usize = 16;

/// Most `maxChanges`-less Email/changes entries returned at once.
pub const SERVER_MAX_CHANGES: usize = 1_000;

/// Largest API response the server sends (octets), accounted while it is
/// serialized: RFC 8620 §8.5 (denial of service) asks servers to bound what a
/// small request can make them produce, and result references (§3.7) let a
/// few kilobytes of chained `Core/echo` calls ask for gigabytes. 16 MiB is
/// above `maxSizeRequest`, so any request can be echoed once, and half of what
/// the crate's own client reads ([`MAX_API_RESPONSE_BYTES`]); a page of 500
/// Emails with bodyStructure is a few MiB. Past it the whole request gets the
/// `limit` problem `maxSizeResponse`.
pub const SERVER_MAX_SIZE_RESPONSE: u64 = 16 * 1024 * 1024;

/// Most JSON values parsed from one API request body. Memory follows the
/// number of values, not the octets: a parsed `{"":0}` costs about 700 bytes
/// of heap for 7 octets of JSON, so a 10 MB body of them once took 2.4 GB
/// (three copies). 16 calls of 500 ids each are 8 000 values, big filters a
/// few thousand more; 100 000 values stay under about 40 MB in the worst
/// shape. Past it: the `limit` problem `maxValuesInRequest`.
pub const SERVER_MAX_VALUES_IN_REQUEST: u64 = 100_000;

/// Most JSON values the result references of one request copy into its
/// arguments (RFC 8620 §3.7). Chained `Core/echo` calls that each reference
/// the previous result four times grow fourfold per call: a 2.8 KB request
/// once took 3 GB and seconds. A real client copies ids: at most
/// `maxObjectsInGet` (500) per reference, 16 calls of them are 8 000 values;
/// 50 000 leaves room and keeps the copies under about 20 MB. Past it: the
/// `limit` problem `maxResolvedValues`. Their size in octets counts against
/// [`SERVER_MAX_SIZE_REQUEST`] with the body's (limit `maxSizeRequest`).
pub const SERVER_MAX_RESOLVED_VALUES: u64 = 50_000;

/// Most JSON values visited while evaluating the result-reference paths of
/// one request (RFC 8620 §3.7; a `*` visits every item of an array, and each
/// reference walks again). Real clients follow `/ids` or `/list/*/id` over at
/// most `maxObjectsInGet` objects: about 1 000 steps a reference. One million
/// is a few milliseconds of work. Past it: the `limit` problem
/// `maxResultReferenceSteps`.
pub const SERVER_MAX_REFERENCE_STEPS: u64 = 1_000_000;

/// Longest download file name (octets of UTF-8, after percent-decoding the
/// URL's `{name}`), sent back in Content-Disposition (RFC 8620 §6.2, RFC 6266).
/// File systems keep 255 octets; 1 024 leaves room and keeps the header small.
/// A longer name is refused with 400.
pub const SERVER_MAX_DOWNLOAD_NAME_BYTES: usize = 1024;

/// Most filter evaluations one /query call may cost: (operators and
/// conditions in its filter) × (objects it is evaluated on). RFC 8620 §5.5
/// lets a server refuse a filter it cannot process (`unsupportedFilter`);
/// without a bound, 50 000 conditions (what fits in
/// [`SERVER_MAX_VALUES_IN_REQUEST`]) over 10 000 Emails were half a billion
/// text searches. A webmail's search has a handful of conditions: one
/// million is 100 of them over the largest store the server loads
/// ([`SERVER_MAX_MESSAGES`]).
pub const SERVER_MAX_FILTER_EVALUATIONS: u64 = 1_000_000;

/// Most blob octets one RFC 9404 `Blob/get` call reads for its answer: the
/// selected range of every blob found, counted once for each data and digest
/// property asked (each encodes or hashes the range again). Past it the call
/// fails with `requestTooLarge` before any octet is encoded (RFC 8620 §8.5:
/// bound what a small request makes the server do). RFC 9404 gives no limit
/// of its own; 8 MiB is fifty large signed messages, and its base64 (about
/// 10.7 MiB) stays under [`SERVER_MAX_SIZE_RESPONSE`], so one call that fits
/// is always answerable. Clients fetch larger blobs through `downloadUrl`.
pub const SERVER_MAX_BLOB_GET_OCTETS: u64 = 8 * 1024 * 1024;

/// Most address mappings one verifier takes (issue 12 §6, `--address-map`,
/// `addressMap`). A mapping is a private configuration for role addresses
/// and shared mailboxes: an organisation has a handful, 1 024 is generous.
/// Each signer's binding looks through the list once per certificate
/// address, so it also bounds that search. A longer list is refused with
/// `limit-exceeded` when the verifier is made.
pub const MAX_ADDRESS_MAPPINGS: usize = 1024;

/// Most certificates a certificate memory keeps (issue 12 §2). A webmail's
/// correspondents who sign: a thousand is a busy mailbox; with
/// [`MAX_MEMORY_CERT_BYTES`] it bounds the memory at 8 MiB of DER, and each
/// message's signer lookup runs over at most this many lent certificates.
/// Past it the least recently seen are forgotten.
pub const MAX_MEMORY_ENTRIES: usize = 1024;

/// Most certificates a memory keeps for one address: the current one and a
/// few before it (renewals overlap), so that reading older mail does not
/// raise a change warning. Past it the least recently seen goes.
pub const MAX_MEMORY_CERTS_PER_ADDRESS: usize = 4;

/// Largest certificate a memory keeps: a signer certificate is 1–2 KiB; 8 KiB
/// leaves room for long policies and names. A larger one is not remembered.
pub const MAX_MEMORY_CERT_BYTES: usize = 8 * 1024;

/// Largest exported memory `CertificateMemory::from_bytes` reads: the
/// entries at their largest in base64 (4/3 of 8 MiB) plus their JSON, about
/// 11 MiB; 12 MiB. Larger input is refused before it is parsed.
pub const MAX_MEMORY_EXPORT_BYTES: usize = 12 * 1024 * 1024;

/// Issue 12 §4, the reference server's online revocation checks: the TCP
/// connect timeout of one fetch. CRL and OCSP servers answer from nearby
/// caches; 2 s is generous, and a responder that does not answer must not
/// hold a message's verification for long.
pub const SERVER_ONLINE_CONNECT_TIMEOUT_MS: u64 = 2_000;

/// The deadline of one fetch, connection to last byte: 5 s. A responder
/// that trickles bytes (one per second) is cut off here, not by the
/// per-read timeout.
pub const SERVER_ONLINE_FETCH_DEADLINE_MS: u64 = 5_000;

/// The most time online checks may add to one message's verification: 10 s
/// (two slow fetches). Later fetches are skipped and the status stays what
/// the offline sources give.
pub const SERVER_ONLINE_MESSAGE_DEADLINE_MS: u64 = 10_000;

/// Largest CRL fetched: 8 MiB. Large public CAs publish CRLs of a few MiB;
/// more is not a CRL the server should parse on a mail request.
pub const SERVER_ONLINE_MAX_CRL_BYTES: usize = 8 * 1024 * 1024;

/// Largest OCSP response fetched: 64 KiB. A response with its responder
/// certificate is 1–4 KiB.
pub const SERVER_ONLINE_MAX_OCSP_BYTES: usize = 64 * 1024;

/// Largest HTTP reply header read before the body (16 KiB, as common
/// servers' own request header limits).
pub const SERVER_ONLINE_MAX_HEADER_BYTES: usize = 16 * 1024;

/// Most fetches for one message: 8 (a signer's path of 4 certificates with
/// an OCSP responder and a CRL each). The URLs come only from certificates
/// on a path that reaches an anchor (R36), but one CA may list many.
pub const SERVER_ONLINE_MAX_FETCHES_PER_MESSAGE: usize = 8;

/// Most cached fetch results (CRLs, OCSP responses, failures): 256. The
/// least recently fetched entry goes first.
pub const SERVER_ONLINE_CACHE_ENTRIES: usize = 256;

/// Longest a fetched CRL or OCSP response is reused: its nextUpdate, but
/// never more than 24 hours (RFC 9219 §6's cache ceiling for verdicts).
pub const SERVER_ONLINE_MAX_CACHE_SECS: i64 = 24 * 3600;

/// How long a failed fetch is remembered before it is tried again: 5
/// minutes, so a message naming a dead responder costs one timeout per
/// 5 minutes, not one per request.
pub const SERVER_ONLINE_RETRY_SECS: i64 = 300;

/// Most bytes of fetched CRLs and OCSP responses kept in the cache: 32 MiB
/// (four large CRLs); the oldest entries go first.
pub const SERVER_ONLINE_CACHE_BYTES: usize = 32 * 1024 * 1024;
