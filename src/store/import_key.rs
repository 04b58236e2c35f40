//! The keys that make bulk writes of actuals idempotent: `actuals.import_key` is a 64-bit
//! fingerprint of the source row and its occurrence in the file, so the same row imported or
//! synced twice is written once. Imports (CSV, FOCUS) and the OpenCost sync key their rows the same
//! way, here.
//!
//! Why 64 bits: an integer key is compared and stored in the unique index far faster than a blob
//! (a million-row FOCUS import spent about a second less in SQLite), and two different rows share a
//! key with a chance of about n²/2⁶⁵ — one in 40 million for a million rows, one in 400,000 for
//! ten million. Files keyed before (16-byte keys) were converted by migration 007 to the first 8 of
//! their bytes, which is what [`import_key`] gives for the same row, so a file imported before the
//! change is still recognised.

/// A row's key in `actuals.import_key`.
pub type ImportKey = i64;

/// The first 8 bytes (little-endian) of `xxh3_128(content hash ‖ occurrence)`.
pub fn import_key(content: u128, occurrence: u32) -> ImportKey {
    let mut bytes = [0u8; 20];
    bytes[..16].copy_from_slice(&content.to_le_bytes());
    bytes[16..].copy_from_slice(&occurrence.to_le_bytes());
    key_of_fingerprint(&xxhash_rust::xxh3::xxh3_128(&bytes).to_le_bytes())
}

/// The key a 16-byte fingerprint (the form stored before migration 007) becomes.
pub fn key_of_fingerprint(fingerprint: &[u8; 16]) -> ImportKey {
    let mut low = [0u8; 8];
    low.copy_from_slice(&fingerprint[..8]);
    i64::from_le_bytes(low)
}

/// Appends a field to a buffer that will be hashed, length first, so that field boundaries are
/// part of the hash (`ab|c` and `a|bc` differ).
pub fn push_field(buf: &mut Vec<u8>, field: &[u8]) {
    buf.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_le_bytes());
    buf.extend_from_slice(field);
}
