//! Where the client verifies the bytes it downloaded (issue 10 §3): by
//! default here, with its own [`Verifier`]; or, through a [`VerifyRoute`],
//! somewhere else that holds a verifier of the same configuration (the
//! browser's worker pool, `js/worker-client.js`). Sans-IO: a route is a
//! future, whatever moves the bytes lives at the wasm boundary.

use futures_util::future::LocalBoxFuture;

use super::transport::{verify_message, Transport};
use crate::asn1::time::UnixTime;
use crate::error::{Code, Result};
use crate::verifier::{Verdict, Verifier};

/// One verification handed to a route.
#[derive(Clone, Copy, Debug)]
pub struct RouteRequest<'a> {
    /// The raw message, as downloaded.
    pub bytes: &'a [u8],
    /// The time to judge at.
    pub now: UnixTime,
    /// The Email's receivedAt (the "at delivery" verdict), if known.
    pub received_at: Option<UnixTime>,
    /// `Verifier::config_fingerprint()` of the client's verifier: whoever
    /// answers must verify with a verifier of exactly this configuration and
    /// refuse otherwise (a helper whose trust has not caught up).
    pub config: &'a str,
}

/// Verifies somewhere else. `Ok(Some(v))`: the verdict; `Ok(None)`: not
/// taken (busy, no helper), verify here; `Err` with `Code::Aborted`: the
/// caller aborted, the operation stops; any other `Err`: the helper failed,
/// verify here. A route never changes a verdict: what it returns must be what
/// the client's own verifier would say for the same request.
pub trait VerifyRoute {
    /// Start one verification.
    fn verify<'a>(&'a self, request: RouteRequest<'a>) -> LocalBoxFuture<'a, Result<Option<Verdict>>>;
}

/// Verify through `route` when there is one and it takes the request, here
/// otherwise. Errors are only `Code::Aborted`.
pub async fn verify_routed<T: Transport>(
    route: Option<&dyn VerifyRoute>,
    verifier: &Verifier,
    transport: &T,
    request: RouteRequest<'_>,
) -> Result<Verdict> {
    if let Some(route) = route {
        match route.verify(request).await {
            Ok(Some(v)) => return Ok(v),
            Err(e) if e.code == Code::Aborted => return Err(e),
            // Not taken, or the helper failed: the same verdict, here.
            Ok(None) | Err(_) => {}
        }
    }
    // Here: through the transport's route for public-key operations
    // (WebCrypto in the browser), the same verdict either way.
    Ok(verify_message(verifier, transport, request.bytes, request.now, request.received_at).await)
}
