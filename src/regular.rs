//! Files the program keeps in the output folder (lock, manifest, cache
//! entries) opened only as what they must be: regular files, reached
//! without following a symbolic link, read up to a size bound.
//!
//! The output folder is shared with whatever else a user or another tool
//! puts there. A lock that is a link to another file would have that file
//! truncated; a FIFO planted as the manifest would hang a run holding the
//! lock; a cache entry linked to `/dev/zero` would be read for ever. So
//! every open here refuses a final symbolic link (`O_NOFOLLOW`), never
//! blocks on opening a FIFO (`O_NONBLOCK`), checks the opened file itself
//! (`fstat`, not the name again, so nothing can be swapped in between) and
//! reads no more than the caller's bound.

use std::fs::{File, OpenOptions};
use std::io::{self, Read};
use std::os::unix::fs::{FileTypeExt, OpenOptionsExt};
use std::path::Path;

/// Flags every open here adds.
const FLAGS: i32 = libc::O_NOFOLLOW | libc::O_NONBLOCK | libc::O_CLOEXEC;

/// Opens `path` for reading and writing, creating it if absent, refusing
/// anything but a regular file. Nothing is truncated.
pub(crate) fn open_rw(path: &Path) -> io::Result<File> {
    let opened = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .mode(0o644)
        .custom_flags(FLAGS)
        .open(path);
    checked(opened)
}

/// The whole of the regular file at `path`, if it holds at most `limit`
/// bytes. `NotFound` when there is nothing there.
pub(crate) fn read(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    let opened = OpenOptions::new().read(true).custom_flags(FLAGS).open(path);
    let file = checked(opened)?;
    let mut bytes = Vec::new();
    file.take(limit + 1).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(io::Error::other(format!(
            "larger than {limit} bytes, more than this program ever writes there"
        )));
    }
    Ok(bytes)
}

/// Opens `path` for appending (to touch its modification time), if it is a
/// regular file.
pub(crate) fn open_append(path: &Path) -> io::Result<File> {
    let opened = OpenOptions::new()
        .append(true)
        .custom_flags(FLAGS)
        .open(path);
    checked(opened)
}

/// The opened file if it is a regular one; otherwise an error that says
/// what is there instead.
fn checked(opened: io::Result<File>) -> io::Result<File> {
    let file = match opened {
        Ok(f) => f,
        // O_NOFOLLOW on a final symbolic link.
        Err(e) if e.raw_os_error() == Some(libc::ELOOP) => {
            return Err(io::Error::other(
                "it is a symbolic link; files the program writes here are never reached through links",
            ));
        }
        Err(e) => return Err(e),
    };
    let kind = file.metadata()?.file_type();
    if kind.is_file() {
        return Ok(file);
    }
    let what = if kind.is_fifo() {
        "a FIFO"
    } else if kind.is_dir() {
        "a directory"
    } else if kind.is_socket() {
        "a socket"
    } else if kind.is_char_device() || kind.is_block_device() {
        "a device"
    } else {
        "not a regular file"
    };
    Err(io::Error::other(format!(
        "it is {what}, not a regular file; remove it and run again"
    )))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_fifos_and_large_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        let victim = d.join("victim");
        std::fs::write(&victim, b"precious").unwrap();
        std::os::unix::fs::symlink(&victim, d.join("link")).unwrap();
        let e = open_rw(&d.join("link")).unwrap_err();
        assert!(e.to_string().contains("symbolic link"), "{e}");
        assert!(read(&d.join("link"), 100).is_err());
        assert_eq!(std::fs::read(&victim).unwrap(), b"precious");

        let fifo = d.join("fifo");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o644) }, 0);
        let e = read(&fifo, 100).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");
        let e = open_rw(&fifo).unwrap_err();
        assert!(e.to_string().contains("FIFO"), "{e}");

        std::fs::write(d.join("big"), vec![0u8; 101]).unwrap();
        assert!(read(&d.join("big"), 100).is_err());
        assert_eq!(read(&d.join("big"), 101).unwrap().len(), 101);
        assert_eq!(
            read(&d.join("absent"), 1).unwrap_err().kind(),
            io::ErrorKind::NotFound
        );
        let f = open_rw(&d.join("new")).unwrap();
        drop(f);
        assert!(d.join("new").is_file());
    }
}
