//! RFC 9404 Blob/get in the client (in progress).
