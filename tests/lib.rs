//! Shared helpers of the b24 integration tests.
