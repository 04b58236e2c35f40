//! The keys that make bulk writes of actuals idempotent: `actuals.import_key` is the 16 bytes of
//! `xxh3_128(content hash ‖ occurrence)`, so the same row imported or synced twice is written once.
//! Imports (CSV, FOCUS) and the OpenCost sync key their rows the same way, here.

/// `xxh3_128(content hash ‖ occurrence)`, as the 16 bytes stored in `actuals.import_key`.
pub fn import_key(content: u128, occurrence: u32) -> [u8; 16] {
    let mut bytes = [0u8; 20];
    bytes[..16].copy_from_slice(&content.to_le_bytes());
    bytes[16..].copy_from_slice(&occurrence.to_le_bytes());
    xxhash_rust::xxh3::xxh3_128(&bytes).to_le_bytes()
}

/// Appends a field to a buffer that will be hashed, length first, so that field boundaries are
/// part of the hash (`ab|c` and `a|bc` differ).
pub fn push_field(buf: &mut Vec<u8>, field: &[u8]) {
    buf.extend_from_slice(&u32::try_from(field.len()).unwrap_or(u32::MAX).to_le_bytes());
    buf.extend_from_slice(field);
}
