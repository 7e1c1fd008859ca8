//! mime (in progress)
