//! cms (in progress)
