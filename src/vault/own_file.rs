//! Reading the files studygen itself looks for in a vault (settings, templates, the identity
//! file, its own outputs) on terms a hostile vault cannot bend.

use std::path::Path;

/// Reads a file studygen itself looks for (settings, templates, the identity file): only a regular
/// file, never a link, FIFO or device, and at most `limit` bytes, so that a hostile vault can
/// neither redirect the read outside itself nor make it block or exhaust memory.
/// `Ok(None)` when there is no such file.
pub fn read_own_file(path: &Path, limit: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read as _;
    let Some(file) = open_own_file(path, limit)? else { return Ok(None) };
    let mut bytes = Vec::with_capacity(file.metadata().map_or(0, |m| m.len()) as usize);
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    Ok(Some(bytes))
}

/// Opens `path` for reading on the terms of [`read_own_file`]: a regular file of at most `limit`
/// bytes, never through a link.
pub fn open_own_file(path: &Path, limit: u64) -> std::io::Result<Option<std::fs::File>> {
    let meta = match std::fs::symlink_metadata(path) {
        Ok(m) => m,
        Err(e) if matches!(e.kind(), std::io::ErrorKind::NotFound | std::io::ErrorKind::NotADirectory) => {
            return Ok(None);
        }
        Err(e) => return Err(e),
    };
    if !meta.is_file() {
        return Err(std::io::Error::other("not a regular file (links, FIFOs and devices are not read)"));
    }
    if meta.len() > limit {
        return Err(std::io::Error::other(format!("larger than {limit} bytes")));
    }
    let file = std::fs::File::open(path)?;
    if !file.metadata()?.is_file() {
        return Err(std::io::Error::other("not a regular file (links, FIFOs and devices are not read)"));
    }
    Ok(Some(file))
}
