//! Stats of the many files under one folder, each taken relative to the
//! folder's open handle: the kernel then resolves only the few names below
//! it instead of the whole path from `/` again for every file, which was a
//! fifth of a no-op build's time on a large site.

use std::io;

use camino::Utf8Path;

/// What qsite compares of a file's stat.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stat {
    /// Length in bytes.
    pub size: u64,
    /// Modification time, nanoseconds since the Unix epoch.
    pub mtime_ns: i64,
    /// Status change time, nanoseconds since the Unix epoch (0 where the
    /// platform has none).
    pub ctime_ns: i64,
    /// The inode (0 where the platform has none).
    pub inode: u64,
    /// The device (0 where the platform has none).
    pub device: u64,
}

/// A folder opened once to stat the files under it.
pub struct Folder {
    #[cfg(unix)]
    handle: rustix::fd::OwnedFd,
    #[cfg(not(unix))]
    path: camino::Utf8PathBuf,
}

impl Folder {
    /// Opens the folder at `path`.
    pub fn open(path: &Utf8Path) -> io::Result<Folder> {
        #[cfg(unix)]
        {
            use rustix::fs::{Mode, OFlags};
            let flags = OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC;
            Ok(Folder { handle: rustix::fs::open(path.as_std_path(), flags, Mode::empty())? })
        }
        #[cfg(not(unix))]
        {
            if !path.is_dir() {
                return Err(io::Error::new(io::ErrorKind::NotFound, format!("`{path}` is not a folder")));
            }
            Ok(Folder { path: path.to_owned() })
        }
    }

    /// The stat of the file at `relative` (`/`-separated) under the folder,
    /// following symbolic links as [`std::fs::metadata`] does.
    // The stat fields' integer types differ between platforms.
    #[allow(clippy::useless_conversion)]
    pub fn stat(&self, relative: &str) -> io::Result<Stat> {
        #[cfg(unix)]
        {
            let stat = rustix::fs::statat(&self.handle, relative, rustix::fs::AtFlags::empty())?;
            let ns = |seconds: i64, nanos: i64| seconds.saturating_mul(1_000_000_000).saturating_add(nanos);
            Ok(Stat {
                size: u64::try_from(stat.st_size).unwrap_or(0),
                mtime_ns: ns(i64::from(stat.st_mtime), i64::try_from(stat.st_mtime_nsec).unwrap_or(0)),
                ctime_ns: ns(i64::from(stat.st_ctime), i64::try_from(stat.st_ctime_nsec).unwrap_or(0)),
                inode: u64::from(stat.st_ino),
                device: u64::from(stat.st_dev),
            })
        }
        #[cfg(not(unix))]
        {
            let metadata = std::fs::metadata(self.path.join(relative))?;
            Ok(Stat {
                size: metadata.len(),
                mtime_ns: crate::output::mtime_ns(&metadata),
                ctime_ns: 0,
                inode: 0,
                device: 0,
            })
        }
    }
}
